package dev.peregrine.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bursts of single appends from real threads, each waiting for its acknowledgement before it sends
 * the next (the group-commit round trips of {@code ConcurrentBurstBenchmark}), under every durability
 * mode. Each acknowledgement must be one the store stands by: the event is visible to a
 * query the moment its append returns; under {@code fsync} a force ran between the submit and the
 * acknowledgement; a thread's positions increase in the order it appended; each entity's versions are
 * gapless; and after a reopen every acknowledged event is at its acknowledged position.
 */
class SingleAppendBurstTest {

    @TempDir
    Path dir;

    private record Ack(int thread, int seq, AppendResult result) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "fsync", "interval:5"})
    void everyAcknowledgedAppendIsVisibleOrderedAndSurvivesReopen(String durability) throws Exception {
        int threads = 8;
        int perThread = 250;
        boolean fsync = durability.equals("fsync");
        StoreOptions options = StoreOptions.builder().durability(Durability.parse(durability))
                .segmentBytes(StoreOptions.MIN_SEGMENT_BYTES).builtInProjections(false).build();
        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        try (EventStore store = EventStore.open(dir, options)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        String entity = "burst-" + thread;
                        for (int i = 0; i < perThread; i++) {
                            long forcesBefore = fsync ? store.stats().forces() : 0;
                            AppendResult r = store.append(Events.event(store, "burst.step", entity,
                                    "{\"i\":" + i + "}").expectedVersion(ExpectedVersion.exact(i)).build());
                            if (fsync) {
                                assertThat(store.stats().forces()).as("%s #%d acknowledged only after a force", entity, i)
                                        .isGreaterThan(forcesBefore);
                            }
                            assertThat(store.get(r.eventId())).as("%s #%d visible once acknowledged", entity, i)
                                    .isPresent();
                            acks.add(new Ack(thread, i, r));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            assertThat(errors).as("errors in the workers").isEmpty();
            assertThat(acks).hasSize(threads * perThread);
            assertThat(store.stats().segments()).as("the burst crossed segment rolls").isGreaterThan(1);
        }
        long[] last = new long[threads];
        for (Ack a : acks) {
            assertThat(a.result().version()).as("thread %d append %d", a.thread(), a.seq()).isEqualTo(a.seq() + 1);
        }
        acks.stream().sorted((x, y) -> Integer.compare(x.seq(), y.seq())).forEach(a -> {
            assertThat(a.result().position()).as("thread %d's positions increase", a.thread())
                    .isGreaterThan(last[a.thread()]);
            last[a.thread()] = a.result().position();
        });
        try (EventStore reopened = EventStore.open(dir, options)) {
            assertThat(reopened.lastPosition()).isEqualTo((long) threads * perThread);
            for (Ack a : acks) {
                StoredEvent e = reopened.get(a.result().eventId()).orElseThrow();
                assertThat(e.position()).as("thread %d append %d after reopen", a.thread(), a.seq())
                        .isEqualTo(a.result().position());
                assertThat(e.payload().getLong("i")).isEqualTo(a.seq());
            }
        }
    }
}
