package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM ({@link FieldNamesCrashMain}) with SIGKILL while it appends events that each bring
 * a new field name, then reopens: the store must open (no entry may use a name that is not durable),
 * every event in the log must read back with the names it was written with, every acknowledged one
 * must be there, and the dictionary may hold no name that no append ever asked for.
 */
class FieldNamesCrashTest {

    private static final int ROUNDS = 8;
    private static final Pattern OWN_NAME = Pattern.compile("b(\\d+)k(\\d+)");

    @TempDir
    Path dir;

    @Test
    void noEntryOutlivesTheNamesItUses() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime() % 100_000);
        Random random = new Random(seed);
        Map<Long, Long> ackedBatchAt = new ConcurrentHashMap<>(); // position -> batch
        String java = ProcessHandle.current().info().command().orElseThrow();
        for (int round = 0; round < ROUNDS; round++) {
            String context = "seed " + seed + ", round " + round;
            Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    FieldNamesCrashMain.class.getName(), dir.toString(), Long.toString(seed * 100 + round))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            CountDownLatch acked = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> readAcks(child, ackedBatchAt, acked));
            assertThat(acked.await(60, TimeUnit.SECONDS) && child.isAlive()).as(context + ": the child appends").isTrue();
            Thread.sleep(random.nextInt(300));
            child.destroyForcibly();
            child.waitFor();
            reader.join();
            verify(ackedBatchAt, context);
        }
        assertThat(ackedBatchAt).as("seed %d: the children acknowledged events", seed).hasSizeGreaterThan(ROUNDS);
    }

    private static void readAcks(Process child, Map<Long, Long> ackedBatchAt, CountDownLatch acked) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] parts = line.split(" ");
                if (parts[0].equals("ACK") && parts.length > 3 && parts.length == 3 + Integer.parseInt(parts[2])) {
                    for (int i = 3; i < parts.length; i++) {
                        ackedBatchAt.put(Long.parseLong(parts[i]), Long.parseLong(parts[1]));
                    }
                    acked.countDown();
                }
            }
        } catch (Exception e) {
            // the pipe closes when the child dies
        }
        acked.countDown();
    }

    private void verify(Map<Long, Long> ackedBatchAt, String context) {
        try (EventStore store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none())
                .segmentBytes(256 * 1024).build())) {
            long last = store.lastPosition();
            assertThat(last).as(context + ": every acknowledged event is there")
                    .isGreaterThanOrEqualTo(ackedBatchAt.keySet().stream().mapToLong(Long::longValue).max().orElse(0));
            for (long position = 1; position <= last; position += 500) {
                List<StoredEvent> chunk = StoreInternals.read(store, position, 500);
                for (StoredEvent e : chunk) {
                    long batch = e.payload().getLong("batch");
                    int k = (int) e.payload().getLong("k");
                    // Its own name and the nested one map to the right ids (field order follows the ids).
                    assertThat(e.payload().fieldCount()).as(context + ": event at %d", e.position()).isEqualTo(3);
                    assertThat(e.payload().getRecord("b" + batch + "k" + k).getLong("v"))
                            .as(context + ": event at %d: %s", e.position(), e.payload()).isEqualTo(batch * 10 + k);
                    Long acked = ackedBatchAt.get(e.position());
                    if (acked != null) {
                        assertThat(batch).as(context + ": acknowledged event at %d", e.position()).isEqualTo(acked);
                    }
                }
            }
            for (String name : store.dictionary().names()) {
                var own = OWN_NAME.matcher(name);
                if (!name.equals("batch") && !name.equals("k") && !name.equals("v")) {
                    assertThat(own.matches()).as(context + ": unexpected name %s", name).isTrue();
                }
            }
        }
    }
}
