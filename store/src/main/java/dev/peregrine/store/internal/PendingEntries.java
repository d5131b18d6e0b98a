package dev.peregrine.store.internal;

import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.log.EntryFields;

/**
 * The entries one request writes, as the checks ({@link RequestChecks}, pass 1) let them through and
 * the write path ({@link RequestWriter}, pass 2) writes them. Each entry kind says here what its
 * entries contain and how they are indexed; the write path itself is the same for every kind.
 *
 * <p>Thread safety: made and used on the sequencer thread only.
 *
 * @param <R> what the request's future completes with
 */
sealed interface PendingEntries<R> permits PendingEvents, PendingTombstone {

    /** @return entries to write; 0 when there is nothing to write (every event an idempotent repeat) */
    int count();

    /** @return bytes of log the entries take together */
    int bytes();

    /**
     * Points {@code entry} at the content of entry {@code i} ({@link EntryFields#event} or
     * {@link EntryFields#tombstone}); the write path sets where it goes.
     *
     * @param i the entry, from 0
     * @param entry the writer's entry fields
     */
    void fill(int i, EntryFields entry);

    /**
     * Adds entry {@code i}, now written, to the indexes.
     *
     * @param i the entry
     * @param position its position
     * @param timestampNanos its timestamp
     * @param indexes the indexes
     * @return the entity's stream version after it (0 after a tombstone)
     */
    long index(int i, long position, long timestampNanos, LogIndexes indexes);

    /** @param i the entry @return its entity */
    String entityId(int i);

    /** @return what the request's future completes with; valid once every entry is indexed */
    R result();
}
