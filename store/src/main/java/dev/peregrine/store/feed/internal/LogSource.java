package dev.peregrine.store.feed.internal;

import dev.peregrine.store.StoredEvent;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What views and subscriptions need from the store: the committed end of the log, the raw log in
 * position order (tombstones included), and a wake-up after each commit. One narrow seam, so the view
 * and subscription code depends on the engine in exactly one adapter ({@link EventStoreLogSource}).
 */
public interface LogSource {

    /** @return the store's directory, under which views and subscriptions keep their files */
    Path directory();

    /**
     * @return the last committed position: durable under the store's durability policy, readable, and
     *     never lowered; 0 for an empty log
     */
    long lastPosition();

    /**
     * Reads committed log entries in position order, tombstones included.
     *
     * @param from the first position, at least 1
     * @param to the last position (inclusive), at most {@link #lastPosition()}
     * @param sink receives each entry
     * @return how many entries were read
     */
    long read(long from, long to, Consumer<StoredEvent> sink);

    /**
     * Registers a callback run after each group of events becomes committed ({@link #lastPosition()}
     * already covers them). It runs on a store thread, so it must not block: it only wakes a thread.
     *
     * @param wake the callback
     * @return closing it unregisters the callback
     */
    AutoCloseable onCommit(Runnable wake);
}
