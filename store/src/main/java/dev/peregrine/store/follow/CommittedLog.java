package dev.peregrine.store.follow;

import java.util.function.Consumer;

/**
 * The log as its readers see it: entries up to the visible position (acknowledged under the store's
 * durability policy, never lowered), read in place through {@link LogCursor}s, and a wake-up after
 * each commit. The one seam between the engine and every reader of the log ({@link LogFollower},
 * the views' backfill, a subscription's catch-up); the engine implements it.
 *
 * <p>Thread safety: every method from any thread; each cursor belongs to one thread.
 */
public interface CommittedLog {

    /** @return the last committed position; 0 for an empty log */
    long visiblePosition();

    /** @return a new cursor, not yet pointed at an entry */
    LogCursor cursor();

    /**
     * Registers a callback run after each group of entries becomes visible ({@link #visiblePosition()}
     * already covers them). It runs on the thread that wrote the group (the sequencer thread, or an
     * appending caller's, an event loop's among them), so it must not block: it only wakes a thread.
     *
     * @param wake the callback
     * @return closing it unregisters the callback
     */
    AutoCloseable onCommit(Runnable wake);

    /**
     * Reads, through the entity index, the events of one entity that were live just before a position:
     * those after its last tombstone below {@code before}, up to {@code before - 1}, in position order,
     * events a scavenge removed left out. A view reads them to retract what the entity contributed
     * when its tombstone at {@code before} arrives, so it keeps no per-event trace of its own.
     *
     * @param entityId the entity
     * @param before a position at most one past the visible position
     * @param sink receives each event; the same cursor, re-pointed
     */
    void readLive(String entityId, long before, Consumer<? super LogEntry> sink);

    /**
     * Reads entries {@code from..to} in position order through one new cursor, tombstones included,
     * events a scavenge removed left out ({@link LogEntry#isRemoved()}).
     *
     * @param from the first position, at least 1
     * @param to the last position (inclusive)
     * @param sink receives each entry; the same cursor, re-pointed
     * @throws IllegalArgumentException if {@code from < 1} or {@code to} is past the visible position
     */
    default void read(long from, long to, Consumer<? super LogEntry> sink) {
        long visible = visiblePosition();
        if (from < 1 || to > visible) {
            throw new IllegalArgumentException("cannot read positions " + from + " to " + to
                    + ": the log is visible from 1 to " + visible);
        }
        LogCursor cursor = cursor();
        for (long p = from; p <= to; p++) {
            if (!cursor.moveTo(p).isRemoved()) {
                sink.accept(cursor);
            }
        }
    }
}
