package dev.peregrine.store;

import dev.peregrine.store.follow.CommittedLog;
import java.util.ArrayList;
import java.util.List;

/**
 * Tests' door to what an {@link EventStore} keeps internal: its committed log as followers, views and
 * subscriptions read it, and the raw log (every entry in position order, tombstones included).
 */
public final class StoreInternals {

    private StoreInternals() {}

    /**
     * @param store an open store
     * @return its committed log, as followers, views and subscriptions read it
     */
    @SuppressWarnings("exports") // tests run on the class path; the follow package is internal on purpose
    public static CommittedLog committedLog(EventStore store) {
        return store.committedLog();
    }

    /**
     * @param store an open store
     * @param from first position, from 1
     * @param max most entries
     * @return up to {@code max} entries from {@code from} as stored events; fewer (possibly none) at
     *         the end of the log
     */
    public static List<StoredEvent> read(EventStore store, long from, int max) {
        CommittedLog log = committedLog(store);
        long to = Math.min(log.visiblePosition(), from + max - 1);
        List<StoredEvent> out = new ArrayList<>((int) Math.max(0, to - from + 1));
        if (to >= from) {
            log.read(from, to, entry -> out.add(entry.toStoredEvent()));
        }
        return out;
    }
}
