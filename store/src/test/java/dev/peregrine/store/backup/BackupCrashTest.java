package dev.peregrine.store.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.EventStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM ({@link BackupCrashMain}) at random moments while it appends and backs up
 * into one directory over and over: after every kill the backup directory must restore, to at least
 * the last backup the child reported finished, and the restored store must hold exactly the source
 * store's events up to that position.
 */
class BackupCrashTest {

    private static final int ROUNDS = 6;

    @TempDir
    Path tmp;

    private String childErrors() throws java.io.IOException {
        Path err = tmp.resolve("child.err");
        return java.nio.file.Files.exists(err) ? java.nio.file.Files.readString(err) : "(none)";
    }

    @Test
    void aKilledBackupAlwaysLeavesARestorableBackup() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime() % 100_000);
        Random random = new Random(seed);
        Path data = tmp.resolve("data");
        Path backup = tmp.resolve("backup");
        String java = ProcessHandle.current().info().command().orElseThrow();
        long reported = -1; // the position of the last backup a child reported finished; -1: none yet
        for (int round = 0; round < ROUNDS; round++) {
            String context = "seed " + seed + ", round " + round;
            Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    BackupCrashMain.class.getName(), data.toString(), backup.toString(), Long.toString(seed * 100 + round))
                    .redirectError(tmp.resolve("child.err").toFile()).start();
            AtomicLong lastBackup = new AtomicLong(reported);
            CountDownLatch ready = new CountDownLatch(1);
            CountDownLatch backedUp = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("BACKUP ")) {
                            long position = Long.parseLong(line.substring(7));
                            lastBackup.set(position);
                            // A backup of an empty store proves little: wait for one that holds events
                            // (a loaded disk may take seconds for the child's first appends).
                            if (position > 0) {
                                backedUp.countDown();
                            }
                        }
                        ready.countDown();
                    }
                } catch (Exception e) {
                    // the pipe closes when the child dies
                }
                ready.countDown();
                backedUp.countDown();
            });
            assertThat(ready.await(60, TimeUnit.SECONDS) && child.isAlive()).as(context + ": the child runs").isTrue();
            // Kill at a random moment of the next runs: after the first backup of this round that holds
            // events (a slow machine may take long for it) or, every other round, at a random time from start.
            if (round % 2 == 0) {
                assertThat(backedUp.await(120, TimeUnit.SECONDS)).as(context + ": a backup of events finished").isTrue();
                assertThat(child.isAlive()).as(context + ": the child died: " + childErrors()).isTrue();
            }
            Thread.sleep(random.nextInt(800));
            child.destroyForcibly();
            child.waitFor();
            reader.join();
            reported = lastBackup.get();

            Path restored = tmp.resolve("restored-" + round);
            if (reported < 0) {
                // killed before any backup finished: there may be no manifest yet, and then restore says so
                try {
                    EventStore.restore(backup, restored, BackupProgress.NONE);
                } catch (CorruptFileException noManifestYet) {
                    assertThat(noManifestYet.file().getFileName().toString()).isEqualTo("backup.manifest");
                    continue;
                }
            } else {
                BackupManifest m = EventStore.restore(backup, restored, BackupProgress.NONE);
                assertThat(m.position()).as(context).isGreaterThanOrEqualTo(reported);
            }
            BackupManifest manifest = dev.peregrine.store.backup.internal.ManifestFile.read(backup).orElseThrow();
            try (EventStore source = EventStore.open(data, BackupTest.options())) {
                assertThat(source.lastPosition()).as(context).isGreaterThanOrEqualTo(manifest.position());
                BackupTest.assertRestored(source, restored, manifest.position(), seed);
            }
        }
        assertThat(reported).as("seed %d: the children finished backups; their errors: %s", seed, childErrors())
                .isGreaterThanOrEqualTo(0);
        assertThat(dev.peregrine.store.backup.internal.ManifestFile.read(backup).orElseThrow().position())
                .as("seed %d: the backups hold events", seed).isPositive();
        assertThatThrownBy(() -> EventStore.restore(tmp.resolve("nothing"), tmp.resolve("x"), BackupProgress.NONE))
                .isInstanceOf(CorruptFileException.class);
    }
}
