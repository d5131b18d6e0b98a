package dev.peregrine.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.LongStream;

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
        try (EventStore store = EventStore.open(dir, options)) {
            runTogether(threads, thread -> {
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
            });
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

    /**
     * A blocking append may run on its caller's thread when the writer is idle; it must never
     * overtake an asynchronous append the same thread submitted before it. Each thread alternates
     * runs of un-awaited {@code appendAsync} calls with a blocking append, every one with the exact
     * expected version that holds only if they are stored in submission order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"none", "fsync", "interval:5"})
    void aBlockingAppendNeverOvertakesTheSameThreadsEarlierAsyncAppends(String durability) throws Exception {
        int threads = 4;
        int rounds = 200;
        StoreOptions options = StoreOptions.builder().durability(Durability.parse(durability))
                .segmentBytes(StoreOptions.MIN_SEGMENT_BYTES).builtInProjections(false).build();
        long[] versions = new long[threads];
        try (EventStore store = EventStore.open(dir, options)) {
            runTogether(threads, thread -> {
                String entity = "mixed-" + thread;
                long version = 0;
                List<CompletableFuture<List<AppendResult>>> async = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    for (int a = 0; a < r % 4; a++) {
                        async.add(store.appendAsync(List.of(Events.event(store, "mixed.async", entity,
                                "{\"v\":" + version + "}").expectedVersion(ExpectedVersion.exact(version)).build())));
                        version++;
                    }
                    AppendResult blocking = store.append(Events.event(store, "mixed.blocking", entity,
                            "{\"v\":" + version + "}").expectedVersion(ExpectedVersion.exact(version)).build());
                    version++;
                    assertThat(blocking.version()).isEqualTo(version);
                }
                for (var f : async) {
                    f.join();
                }
                versions[thread] = version;
            });
            for (int t = 0; t < threads; t++) {
                assertThat(store.streamVersion("mixed-" + t)).isEqualTo(versions[t]).isGreaterThan(rounds);
                List<StoredEvent> events = store.query(Query.builder().entityId("mixed-" + t).limit(10_000).build())
                        .events();
                for (int i = 0; i < events.size(); i++) {
                    assertThat(events.get(i).payload().getLong("v")).as("mixed-%d event %d", t, i).isEqualTo(i);
                }
            }
        }
    }

    /**
     * Under {@code none} a small asynchronous append that finds the writer idle is written on the
     * caller's thread: its future is complete when {@code appendAsync} returns, already visible. Many
     * threads doing so at once (some then find the writer busy and queue) still store every event once,
     * in each thread's order, with gapless versions; and a batch larger than the inline limit still
     * goes through the sequencer thread with the same results.
     */
    @Test
    void smallAsyncAppendsUnderNoneRunOnTheCallersThreadWhenTheWriterIsIdle() throws Exception {
        StoreOptions options = StoreOptions.builder().durability(Durability.none())
                .segmentBytes(StoreOptions.MIN_SEGMENT_BYTES).builtInProjections(false).build();
        int threads = 4;
        int perThread = 2_000;
        try (EventStore store = EventStore.open(dir, options)) {
            for (int i = 0; i < 100; i++) {
                CompletableFuture<List<AppendResult>> f = store.appendAsync(List.of(Events.event(store, "idle.step",
                        "idle", "{\"i\":" + i + "}").expectedVersion(ExpectedVersion.exact(i)).build()));
                assertThat(f).as("append %d on an idle store is written before appendAsync returns", i).isDone();
                AppendResult r = f.join().getFirst();
                assertThat(r.version()).isEqualTo(i + 1);
                assertThat(store.get(r.eventId())).as("visible once its future is done").isPresent();
            }
            List<NewEvent> large = new ArrayList<>();
            for (int i = 0; i < 17; i++) {
                large.add(Events.event(store, "idle.large", "idle", "{\"i\":" + (100 + i) + "}").build());
            }
            assertThat(store.appendAsync(large).join()).extracting(AppendResult::version)
                    .containsExactlyElementsOf(LongStream.rangeClosed(101, 117).boxed().toList());
            runTogether(threads, thread -> {
                String entity = "async-" + thread;
                List<CompletableFuture<List<AppendResult>>> futures = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    futures.add(store.appendAsync(List.of(Events.event(store, "async.step", entity,
                            "{\"i\":" + i + "}").expectedVersion(ExpectedVersion.exact(i)).build())));
                }
                for (int i = 0; i < perThread; i++) {
                    assertThat(futures.get(i).join().getFirst().version()).as("%s #%d", entity, i).isEqualTo(i + 1);
                }
            });
            for (int t = 0; t < threads; t++) {
                List<StoredEvent> events = store.query(Query.builder().entityId("async-" + t).limit(10_000).build())
                        .events();
                assertThat(events).hasSize(perThread);
                for (int i = 0; i < perThread; i++) {
                    assertThat(events.get(i).payload().getLong("i")).as("async-%d event %d", t, i).isEqualTo(i);
                }
            }
        }
    }

    /** A worker's body; may throw, and its assertions fail the test. */
    private interface Worker {
        void run(int thread) throws Exception;
    }

    /** Starts {@code threads} platform threads at once on {@code body}, waits for all, fails on any error. */
    private static void runTogether(int threads, Worker body) throws InterruptedException {
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    body.run(thread);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(errors).as("errors in the workers").isEmpty();
    }
}
