package dev.peregrine.store.follow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

/** What the follower tests share: a store, events to append, and a consumer that records what it is fed. */
final class FollowerTesting {

    /** Longest wait for something that should take milliseconds; only a hang reaches it. */
    static final java.time.Duration HANG = java.time.Duration.ofSeconds(60);

    private FollowerTesting() {}

    static StoreOptions options(Durability durability) {
        return StoreOptions.builder().durability(durability).segmentBytes(1 << 20).builtInProjections(false).build();
    }

    /** Appends {@code n} events {@code {"i": k}} on entities {@code <prefix>-<k % 7>} in one batch. */
    static List<AppendResult> append(EventStore store, String prefix, int n) {
        List<NewEvent> batch = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            batch.add(NewEvent.builder().eventType("t" + k % 3).entityId(prefix + "-" + k % 7)
                    .payload(RecordBuilder.create(store.dictionary()).put("i", (long) k).build()).build());
        }
        return store.append(batch);
    }

    static List<Long> positions(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** The platform thread a follower named {@code name} runs on. */
    static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("peregrine-" + name))
                .findFirst().orElseThrow(() -> new AssertionError("no thread peregrine-" + name));
    }

    /** Waits (hang guard only) until {@code t} is in {@code state}. */
    static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (t.getState() != state && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(t.getState()).as("state of %s", t.getName()).isEqualTo(state);
    }

    /** Records every position it is fed and every checkpoint it is asked for. */
    static class Recorder implements LogConsumer {
        final List<Long> positions = new CopyOnWriteArrayList<>();
        final List<Long> checkpoints = new CopyOnWriteArrayList<>();
        final List<Long> rewinds = new CopyOnWriteArrayList<>();

        @Override
        public void accept(LogEntry entry) throws Exception {
            positions.add(entry.position());
        }

        @Override
        public void checkpoint(long position) throws Exception {
            checkpoints.add(position);
        }

        @Override
        public void rewound(long position) {
            rewinds.add(position);
            positions.removeIf(p -> p > position);
        }
    }
}
