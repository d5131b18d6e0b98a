package dev.peregrine.store.feed.internal;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoredEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The {@link LogSource} of an {@link EventStore}: its visible end ({@link EventStore#lastPosition()},
 * acknowledged under the durability policy), its raw log ({@link EventStore#readFrom}) and its commit
 * listener. Thread-safe, as the store is.
 */
public final class EventStoreLogSource implements LogSource {

    /** Entries per {@link EventStore#readFrom} call. */
    private static final int PAGE = 1_024;

    private final EventStore store;

    /** @param store the store to read */
    public EventStoreLogSource(EventStore store) {
        this.store = store;
    }

    @Override
    public Path directory() {
        return store.directory();
    }

    @Override
    public long lastPosition() {
        return store.lastPosition();
    }

    @Override
    public long read(long from, long to, Consumer<StoredEvent> sink) {
        long next = from;
        while (next <= to) {
            List<StoredEvent> page = store.readFrom(next, (int) Math.min(PAGE, to - next + 1));
            if (page.isEmpty()) {
                throw new IllegalStateException("the log ends before position " + next + " (asked up to " + to
                        + ", last position " + store.lastPosition() + ")");
            }
            for (StoredEvent e : page) {
                sink.accept(e);
            }
            next += page.size();
        }
        return next - from;
    }

    @Override
    public AutoCloseable onCommit(Runnable wake) {
        LongConsumer listener = position -> wake.run();
        store.addCommitListener(listener);
        return () -> store.removeCommitListener(listener);
    }
}
