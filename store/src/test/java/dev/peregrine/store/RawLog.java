package dev.peregrine.store;

import dev.peregrine.store.feed.internal.EventStoreLogSource;
import dev.peregrine.store.feed.internal.LogSource;

import java.util.ArrayList;
import java.util.List;

/**
 * Tests' access to a store's raw log (every entry in position order, tombstones included), which is
 * not public API: through the same internal {@link LogSource} that views and subscriptions read.
 */
public final class RawLog {

    private RawLog() {
    }

    /** @param store an open store @return its internal log source */
    public static LogSource source(EventStore store) {
        return new EventStoreLogSource(store.internals());
    }

    /**
     * @param store an open store
     * @param from first position, from 1
     * @param max most entries
     * @return up to {@code max} entries from {@code from}; fewer (possibly none) at the end of the log
     */
    public static List<StoredEvent> read(EventStore store, long from, int max) {
        long to = Math.min(store.lastPosition(), from + max - 1);
        List<StoredEvent> out = new ArrayList<>((int) Math.max(0, to - from + 1));
        if (to >= from) {
            source(store).read(from, to, out::add);
        }
        return out;
    }
}
