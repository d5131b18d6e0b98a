package dev.peregrine.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many producer threads log while a snapshotter copies the ring over and over. Every snapshot must hold
 * only well-formed events, in order per thread, and the accounting identities must hold exactly once the
 * producers stop.
 */
class ConcurrentRecordingTest {
    private static final int THREADS = 8;
    private static final String TEMPLATE = "producer {} event {} check {} note {}";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "capacity {0}, seed {1}")
    @CsvSource({"64, 11", "4096, 12"})
    void producersAndSnapshotterAgree(int capacity, long seed) throws Exception {
        try {
            run(capacity, seed);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("failed with capacity " + capacity + " and seed " + seed + ": " + e.getMessage(), e);
        }
    }

    private void run(int capacity, long seed) throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(capacity).snapshotDirectory(dir)
                .level("noisy", Level.WARN).build();
        FlightLogger log = recorder.logger("orders");
        FlightLogger noisy = recorder.logger("noisy.component");
        int perThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicInteger running = new AtomicInteger(THREADS);
        long[] offered = new long[THREADS];
        long[] filteredExpected = new long[THREADS];
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Random random = new Random(seed * 31 + t);
            producers.add(Thread.ofPlatform().name("producer-" + t).start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    String note = "n".repeat(random.nextInt(30));
                    log.atInfo(TEMPLATE).arg(thread).arg(i).arg(check(thread, i)).arg(note).field("len", note.length()).log();
                    offered[thread]++;
                    if (random.nextInt(4) == 0) {
                        noisy.atInfo("filtered {}").arg(i).log();
                        offered[thread]++;
                        filteredExpected[thread]++;
                    }
                }
                if (running.decrementAndGet() == 0) {
                    producing.set(false);
                }
            }));
        }
        start.countDown();
        int snapshots = 0;
        while (producing.get() || snapshots < 3) {
            Path file = recorder.snapshotTo(dir.resolve("s" + snapshots + ".pgfl"), "test");
            FlightSnapshot snapshot = FlightSnapshot.read(file);
            verifyWellFormed(snapshot, capacity);
            Files.delete(file);
            snapshots++;
        }
        for (Thread p : producers) {
            p.join();
        }

        long totalOffered = 0;
        long totalFiltered = 0;
        for (int t = 0; t < THREADS; t++) {
            totalOffered += offered[t];
            totalFiltered += filteredExpected[t];
        }
        FlightMetrics m = recorder.metrics();
        assertThat(m.filtered()).isEqualTo(totalFiltered);
        assertThat(m.recorded()).isEqualTo((long) THREADS * perThread);
        assertThat(m.offered()).isEqualTo(totalOffered);
        assertThat(m.inFlight()).as("nothing in flight once producers stopped, holes=" + m.holes()).isLessThanOrEqualTo(m.holes());
        assertThat(m.retained() + m.overwritten() + m.inFlight()).isEqualTo(m.recorded());
        assertThat(m.retained()).isEqualTo(capacity - m.inFlight());

        FlightSnapshot last = FlightSnapshot.read(recorder.snapshotTo(dir.resolve("final.pgfl"), "final"));
        verifyWellFormed(last, capacity);
        assertThat(last.header().eventCount()).isEqualTo(m.retained());
        assertThat(last.header().recorded()).isEqualTo(m.recorded());
        assertThat(last.header().overwritten()).isEqualTo(m.overwritten());
        assertThat(last.header().filtered()).isEqualTo(totalFiltered);
        if (m.holes() == 0) {
            // Without holes the ring holds exactly the newest `capacity` events: per thread, a contiguous run
            // of counters that ends with the thread's last event.
            Map<Long, List<Long>> byThread = countersByThread(last);
            for (List<Long> counters : byThread.values()) {
                assertThat(counters.getLast()).isEqualTo(perThread - 1L);
                assertThat(counters.getLast() - counters.getFirst() + 1).isEqualTo(counters.size());
            }
        }
        System.out.println("capacity " + capacity + ": " + snapshots + " concurrent snapshots, " + m);
    }

    private static long check(int thread, int i) {
        return thread * 1_000_003L ^ (i * 7919L);
    }

    private static void verifyWellFormed(FlightSnapshot snapshot, int capacity) {
        SnapshotHeader h = snapshot.header();
        assertThat(h.eventCount()).isEqualTo(snapshot.events().size());
        assertThat(h.eventCount() + h.overwrittenDuringCopy() + h.inFlight()).isLessThanOrEqualTo(capacity);
        Map<Long, long[]> lastByThread = new HashMap<>();
        long previousSequence = -1;
        for (FlightEvent e : snapshot.events()) {
            assertThat(e.sequence()).isGreaterThan(previousSequence);
            previousSequence = e.sequence();
            assertThat(e.level()).isEqualTo(Level.INFO);
            assertThat(e.target()).isEqualTo("orders");
            assertThat(e.template()).isEqualTo(TEMPLATE);
            assertThat(e.truncated()).isFalse();
            assertThat(e.args()).hasSize(4);
            long thread = ((FlightValue.LongValue) e.args().get(0)).value();
            long counter = ((FlightValue.LongValue) e.args().get(1)).value();
            long check = ((FlightValue.LongValue) e.args().get(2)).value();
            String note = ((FlightValue.StringValue) e.args().get(3)).value();
            assertThat(check).isEqualTo(check((int) thread, (int) counter));
            assertThat(note).matches("n*");
            assertThat(e.fields()).containsExactly(new FlightField("len", new FlightValue.LongValue(note.length())));
            assertThat(e.threadName()).isEqualTo("producer-" + thread);
            long[] last = lastByThread.get(thread);
            if (last != null) {
                assertThat(counter).as("per-thread order").isGreaterThan(last[0]);
                assertThat(e.timestampNanos()).as("per-thread time").isGreaterThanOrEqualTo(last[1]);
            }
            lastByThread.put(thread, new long[] {counter, e.timestampNanos()});
        }
    }

    private static Map<Long, List<Long>> countersByThread(FlightSnapshot snapshot) {
        Map<Long, List<Long>> byThread = new HashMap<>();
        for (FlightEvent e : snapshot.events()) {
            long thread = ((FlightValue.LongValue) e.args().get(0)).value();
            byThread.computeIfAbsent(thread, k -> new ArrayList<>()).add(((FlightValue.LongValue) e.args().get(1)).value());
        }
        return byThread;
    }
}
