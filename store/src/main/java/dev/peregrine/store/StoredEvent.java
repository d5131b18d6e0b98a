package dev.peregrine.store;

import dev.peregrine.record.Record;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * An event as stored. The payload and metadata are zero-copy record views over the mapped segment
 * file: they stay readable while the store is open and fail with {@link IllegalStateException} after
 * {@link EventStore#close()} (copy them with {@code Record.toByteArray()} to keep them longer).
 *
 * <p>A tombstone ({@link #isTombstone()}) appears only where the raw log is read in order: in
 * subscriptions, and in the projections the store feeds. It has event type {@value #TOMBSTONE_TYPE},
 * version 0 and an empty payload. Queries never return tombstones.
 *
 * <p>A stored event is also an {@link EventView} that stays valid: code written for the visitor path
 * ({@link EventStore#query(Query, EventVisitor)}) takes either.
 */
public final class StoredEvent implements EventView {

    /** Event type of tombstone entries (not a valid user event type, so it cannot collide). */
    public static final String TOMBSTONE_TYPE = "$tombstone";

    private final UUID id;
    private final String eventType;
    private final String entityId;
    private final String tenantId;
    private final Record payload;
    private final Record metadata;
    private final long timestampNanos;
    private final long version;
    private final long position;

    /**
     * Made by the store's readers; applications receive instances, they do not create them.
     *
     * @param id event id
     * @param eventType event type
     * @param entityId entity id
     * @param tenantId tenant id
     * @param payload payload view
     * @param metadata metadata view, or {@code null}
     * @param timestampNanos server timestamp in nanoseconds since the epoch
     * @param version stream version (0 for a tombstone)
     * @param position global position
     */
    public StoredEvent(UUID id, String eventType, String entityId, String tenantId, Record payload, Record metadata,
                       long timestampNanos, long version, long position) {
        this.id = id;
        this.eventType = eventType;
        this.entityId = entityId;
        this.tenantId = tenantId;
        this.payload = payload;
        this.metadata = metadata;
        this.timestampNanos = timestampNanos;
        this.version = version;
        this.position = position;
    }

    /** @return the event id */
    @Override
    public UUID id() {
        return id;
    }

    /** @return the event type */
    @Override
    public String eventType() {
        return eventType;
    }

    /** @return the entity (stream) id */
    @Override
    public String entityId() {
        return entityId;
    }

    /** @return the tenant id */
    @Override
    public String tenantId() {
        return tenantId;
    }

    /** @return the payload view */
    @Override
    public Record payload() {
        return payload;
    }

    /** @return the metadata view, if the event had metadata */
    @Override
    public Optional<Record> metadata() {
        return Optional.ofNullable(metadata);
    }

    /** @return the server-assigned timestamp */
    @Override
    public Instant timestamp() {
        return Instant.ofEpochSecond(0, timestampNanos);
    }

    /** @return the timestamp in nanoseconds since the epoch (no allocation) */
    @Override
    public long timestampNanos() {
        return timestampNanos;
    }

    /** @return the version within the entity's stream, from 1 (0 for a tombstone) */
    @Override
    public long version() {
        return version;
    }

    /** @return the global log position, from 1, gapless */
    @Override
    public long position() {
        return position;
    }

    @Override
    public long idMostSignificantBits() {
        return id.getMostSignificantBits();
    }

    @Override
    public long idLeastSignificantBits() {
        return id.getLeastSignificantBits();
    }

    @Override
    public int payloadSize() {
        return isTombstone() ? 0 : payload.sizeInBytes();
    }

    /** @return this event: it is already one to keep */
    @Override
    public StoredEvent toStoredEvent() {
        return this;
    }

    /** @return whether this entry is a tombstone marker rather than an event */
    public boolean isTombstone() {
        return TOMBSTONE_TYPE.equals(eventType);
    }

    @Override
    public String toString() {
        return "StoredEvent[" + position + ": " + eventType + " on " + entityId + " v" + version + ", id " + id + "]";
    }
}
