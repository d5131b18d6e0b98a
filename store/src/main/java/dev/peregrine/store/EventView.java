package dev.peregrine.store;

import dev.peregrine.record.Record;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A stored event read in place: a flyweight over the mapped log that the store re-points from event to
 * event, handed to an {@link EventVisitor} by {@link EventStore#query(Query, EventVisitor)}.
 *
 * <p><b>Lifetime.</b> The view is valid only during the {@link EventVisitor#visit} call it is passed to:
 * as soon as that call returns, the same instance shows the next event. Never keep the view, put it in
 * a collection or hand it to another thread; keep what is needed by copying it out: the numbers, the
 * strings (the store's cached instances, immutable), {@link #payload()} or {@link #toStoredEvent()},
 * which are ordinary views of the log, readable until the store closes.
 *
 * <p><b>Cost.</b> The numeric accessors and the strings allocate nothing (the strings of one event are
 * decoded once and cached across events); {@link #id()}, {@link #timestamp()}, {@link #payload()},
 * {@link #metadata()} and {@link #toStoredEvent()} make a new object on each call. A visitor that reads
 * only what it needs therefore costs no allocation per event: that is the point of this path over
 * {@link EventStore#query(Query)}, which makes a {@link StoredEvent} (and its id and records) per event.
 *
 * <p>Thread safety: none; a view belongs to the querying thread.
 */
public interface EventView {

    /** @return the global log position, from 1 */
    long position();

    /** @return the high 64 bits of the event id */
    long idMostSignificantBits();

    /** @return the low 64 bits of the event id */
    long idLeastSignificantBits();

    /** @return the event id (a new {@link UUID}) */
    default UUID id() {
        return new UUID(idMostSignificantBits(), idLeastSignificantBits());
    }

    /** @return the event type */
    String eventType();

    /** @return the entity (stream) id */
    String entityId();

    /** @return the tenant id */
    String tenantId();

    /** @return the server timestamp in nanoseconds since the epoch */
    long timestampNanos();

    /** @return the server timestamp (a new {@link Instant}) */
    default Instant timestamp() {
        return Instant.ofEpochSecond(0, timestampNanos());
    }

    /** @return the version within the entity's stream, from 1 */
    long version();

    /** @return the payload's encoded size in bytes */
    int payloadSize();

    /** @return the payload as a new record view of the log bytes, valid after the visit (until the store closes) */
    Record payload();

    /** @return the metadata as a new record view, if the event has metadata */
    Optional<Record> metadata();

    /** @return the event as a new {@link StoredEvent}, to keep beyond the visit */
    StoredEvent toStoredEvent();
}
