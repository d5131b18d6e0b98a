package dev.peregrine.store.view.internal;

import java.util.function.Consumer;

/**
 * The log as a view reads it again: to retract what an entity contributed when its tombstone arrives
 * (the entity's live events, through the entity index), and to replay a stretch of positions for an
 * as-of read. This is what lets a view keep only its current rows and a few checkpoints instead of
 * a trace of every event it accepted. The store's implementation is {@link CommittedViewLog}; tests
 * and benchmarks keep a log in memory.
 *
 * <p>Thread-safety: as the implementation says; a view calls it from the thread that holds it.
 */
public interface ViewLog {

    /**
     * Visits the events of an entity that were live just before a position (after its last tombstone
     * below {@code before}), in position order. Events a scavenge removed are left out.
     *
     * @param entityId the entity
     * @param before a tombstone's position (or any position at most one past the log's end)
     * @param sink receives each event; the input may be re-pointed after the call returns
     */
    void liveEvents(String entityId, long before, Consumer<ViewInput> sink);

    /**
     * Visits the entries {@code from..to} in position order. Events a scavenge removed are left out.
     *
     * @param from the first position, at least 1
     * @param to the last position (inclusive), at most the log's end
     * @param visitor receives each event and tombstone
     */
    void read(long from, long to, EntryVisitor visitor);

    /** Receives the entries of {@link #read}. */
    interface EntryVisitor {
        /** @param event an appended event; re-pointed after the call returns */
        void event(ViewInput event);

        /**
         * @param entityId the tombstoned entity
         * @param position the tombstone's position
         */
        void tombstone(String entityId, long position);
    }
}
