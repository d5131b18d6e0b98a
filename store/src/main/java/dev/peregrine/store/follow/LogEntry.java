package dev.peregrine.store.follow;

import dev.peregrine.record.Record;
import dev.peregrine.store.EventView;
import dev.peregrine.store.StoredEvent;

/**
 * One committed entry of the log, read in place: the fields come straight from the mapped segment,
 * and the instance a {@link LogFollower} hands its consumer is re-pointed at the next entry as soon as
 * {@link LogConsumer#accept} returns. Keep what you need by copying it out (numbers, the interned
 * strings, the {@link #payload()} record, or {@link #toStoredEvent()}), never the entry itself.
 *
 * <p>Reading a number or a string allocates nothing: strings are the store's cached instances.
 * {@link #payload()} and {@link #toStoredEvent()} make a new object on each call (call them once per
 * entry and keep the result if it is needed twice); both stay valid after the entry is re-pointed
 * (they are views of the mapped log, readable until the store closes).
 *
 * <p>It is an {@link EventView} (the same flyweight the visitor queries show), with what only a
 * follower of the whole log needs on top: tombstones, removed and expired entries. The accessors it
 * declares again say what they return for a tombstone.
 *
 * <p>Thread safety: none; an entry belongs to the thread that reads it.
 */
public interface LogEntry extends EventView {

    /** @return the global position, from 1 */
    long position();

    /** @return whether this entry is a tombstone (then its payload is empty and its version 0) */
    boolean isTombstone();

    /**
     * @return whether a scavenge removed this event: only its position, ids, version and strings
     *         remain. {@link LogFollower}s and {@link CommittedLog#read} skip such entries, so a
     *         consumer never sees one: a gap in the positions it is handed.
     */
    boolean isRemoved();

    /**
     * @return whether the retention rules hide this entry from readers now (an expired or removed
     *         event). Views and projections do not ask (retention is not a retraction for them,
     *         see docs/views.md); subscriptions do, and skip it.
     */
    boolean isExpired();

    /** @return the event type ({@link StoredEvent#TOMBSTONE_TYPE} for a tombstone) */
    String eventType();

    /** @return the entity (stream) id */
    String entityId();

    /** @return the tenant id */
    String tenantId();

    /** @return the commit timestamp in nanoseconds since the epoch */
    long timestampNanos();

    /** @return the version within the entity's stream, from 1 (0 for a tombstone) */
    long version();

    /** @return the payload, a view of the log bytes (empty for a tombstone) */
    Record payload();

    /** @return the entry as a stored event, for consumers that hand events on or keep them */
    StoredEvent toStoredEvent();
}
