package dev.peregrine.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a real child JVM ({@link CrashWriterMain}) with SIGKILL at random moments while it appends
 * with {@code fsync}, then reopens the store and checks that every acknowledged event is present and
 * intact, positions have no gap, and every batch is either complete or absent.
 */
class CrashRecoveryTest {

    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    /** An acknowledged event: which batch, which index in it. */
    private record Acked(long batch, int k, int size) {
    }

    @Test
    void everyAcknowledgedEventSurvivesSigkill() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime() % 100_000);
        Random random = new Random(seed);
        Map<Long, Acked> acked = new ConcurrentHashMap<>();
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("java.class.path");
        for (int round = 0; round < ROUNDS; round++) {
            Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED", "-cp", classpath, CrashWriterMain.class.getName(),
                    dir.toString(), Long.toString(seed * 100 + round))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            CountDownLatch ready = new CountDownLatch(1);
            CountDownLatch firstAck = new CountDownLatch(1);
            Thread readerThread = Thread.ofPlatform().start(() -> readAcks(child, acked, ready, firstAck));
            assertThat(ready.await(60, TimeUnit.SECONDS) && child.isAlive())
                    .as("child started (seed %d, round %d)", seed, round).isTrue();
            // Kill at a random moment while appends are in flight: after the first acknowledgement of
            // this round, so that every round writes (the JVM start alone takes longer than the delay).
            assertThat(firstAck.await(60, TimeUnit.SECONDS)).as("child appends (seed %d, round %d)", seed, round).isTrue();
            Thread.sleep(random.nextInt(300));
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, nothing flushed by us
            child.waitFor();
            readerThread.join();
            verify(acked, seed, round);
        }
        assertThat(acked).as("seed %d: the children acknowledged events", seed).hasSizeGreaterThan(ROUNDS);
    }

    private static void readAcks(Process child, Map<Long, Acked> acked, CountDownLatch ready, CountDownLatch firstAck) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts[0].equals("READY")) {
                    ready.countDown();
                } else if (parts[0].equals("ACK") && parts.length >= 4) {
                    long batch = Long.parseLong(parts[1]);
                    int size = Integer.parseInt(parts[2]);
                    if (parts.length != 3 + size) {
                        continue; // a line cut short by the kill: not a complete acknowledgement
                    }
                    for (int k = 0; k < size; k++) {
                        acked.put(Long.parseLong(parts[3 + k]), new Acked(batch, k, size));
                    }
                    firstAck.countDown();
                }
            }
        } catch (Exception e) {
            // the pipe closes when the child dies
        }
        ready.countDown();
        firstAck.countDown();
    }

    private void verify(Map<Long, Acked> acked, long seed, int round) {
        String context = "seed " + seed + ", round " + round;
        try (EventStore store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none())
                .segmentBytes(256 * 1024).build())) {
            long last = store.lastPosition();
            RecoveryReport recovery = store.diagnostics().recovery();
            System.out.printf("%s: last position %d, %d acknowledged so far, recovery: %s%n", context, last,
                    acked.size(), recovery);
            // A killed writer leaves at most an interrupted write behind: never damage to repair.
            assertThat(recovery.actions()).as(context).extracting(RecoveryReport.Action::kind)
                    .allMatch(k -> k == RecoveryReport.Kind.TORN_TAIL_TRUNCATED
                            || k == RecoveryReport.Kind.INCOMPLETE_BATCH_DROPPED
                            || k == RecoveryReport.Kind.BLANK_SEGMENT_DELETED);
            long maxAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            assertThat(last).as(context + ": last position covers every acknowledged one").isGreaterThanOrEqualTo(maxAcked);
            Map<Long, Integer> seenPerBatch = new HashMap<>();
            Map<Long, Integer> sizePerBatch = new HashMap<>();
            long position = 1;
            while (position <= last) {
                List<StoredEvent> chunk = StoreInternals.read(store, position, 1000);
                assertThat(chunk).as(context).isNotEmpty();
                for (StoredEvent e : chunk) {
                    assertThat(e.position()).as(context + ": no gap").isEqualTo(position);
                    long batch = e.payload().getLong("batch");
                    int k = (int) e.payload().getLong("k");
                    int size = (int) e.payload().getLong("size");
                    Acked a = acked.get(position);
                    if (a != null) {
                        assertThat(batch).as(context + ": acknowledged event at %d intact", position).isEqualTo(a.batch());
                        assertThat(k).as(context).isEqualTo(a.k());
                    }
                    seenPerBatch.merge(batch, 1, Integer::sum);
                    sizePerBatch.put(batch, size);
                    position++;
                }
            }
            sizePerBatch.forEach((batch, size) -> assertThat(seenPerBatch.get(batch))
                    .as(context + ": batch %d is complete, not half-visible", batch).isEqualTo(size));
            // Projections restarted from their checkpoints (written every 40 events by the killed child)
            // must count every event exactly once and agree with reconstruction.
            try {
                store.awaitProjections(java.time.Duration.ofSeconds(60));
            } catch (Exception e) {
                throw new AssertionError(context, e);
            }
            long counted = store.projection("event_counters").orElseThrow().state("crash.test")
                    .map(r -> r.getLong("count")).orElse(0L);
            assertThat(counted).as(context + ": event_counters counts each event once").isEqualTo(last);
            for (int i = 0; i < 10; i++) {
                String entity = "e" + i;
                if (store.streamVersion(entity) > 0) {
                    assertThat(store.projection("entity_snapshots").orElseThrow().state(entity).orElseThrow().toJson())
                            .as(context + ": entity_snapshots of " + entity)
                            .isEqualTo(store.reconstruct(entity, null).state().toJson());
                }
            }
            assertThat(store.query(Query.builder().eventType("crash.test").limit(1).fromPosition(Math.max(1, last)).build())
                    .events()).hasSize(last > 0 ? 1 : 0);
        }
    }
}
