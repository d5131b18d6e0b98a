package dev.peregrine.store.internal;

import dev.peregrine.record.Record;
import dev.peregrine.store.EventView;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.follow.LogCursor;
import dev.peregrine.store.log.EntryDescriptor;
import dev.peregrine.store.log.LogSegment;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The engine's one flyweight over the mapped log: a segment and an offset, re-pointed per entry, with
 * every field read from the mapped bytes through {@link EventReader} when asked for. The log follower
 * hands it out as a {@link LogCursor}, queries with a visitor as an {@link EventView}. The strings (the reader's cached
 * instances) are looked up on first use for an entry and kept until the cursor moves on, so several
 * readers of one entry decode them once. The payload record and the {@link StoredEvent} are made anew
 * on each call and never kept: a cursor is long-lived, and an object stored in it could never be
 * scalar-replaced by the JIT in a consumer that only reads a field or two.
 * Not thread-safe: one per reading thread.
 */
final class EntryCursor implements LogCursor, EventView {

    private final EventReader reader;
    private final RetentionPolicy retention;
    private final LongSupplier visible;
    private LogSegment segment;
    private long offset;
    private long position;
    private String eventType;
    private String entityId;
    private String tenantId;

    EntryCursor(EventReader reader, RetentionPolicy retention, LongSupplier visible) {
        this.reader = reader;
        this.retention = retention;
        this.visible = visible;
    }

    @Override
    public LogCursor moveTo(long position) {
        LogSegment s = reader.log().segmentFor(position);
        this.segment = s;
        this.offset = s.offsetOf(position);
        this.position = position;
        this.eventType = null;
        this.entityId = null;
        this.tenantId = null;
        return this;
    }

    /**
     * Takes the strings of the entry pointed at that the caller already holds (a filter matched them
     * byte for byte), so that reading them decodes nothing; a null leaves that string to be read.
     * Valid until the next {@link #moveTo}.
     */
    void knownStrings(String eventType, String entityId, String tenantId) {
        if (eventType != null) {
            this.eventType = eventType;
        }
        if (entityId != null) {
            this.entityId = entityId;
        }
        if (tenantId != null) {
            this.tenantId = tenantId;
        }
    }

    @Override
    public long position() {
        return position;
    }

    /** @return the segment of the entry pointed at, for filters that compare its bytes */
    LogSegment segment() {
        return segment;
    }

    /** @return the entry's offset in {@link #segment()} */
    long offset() {
        return offset;
    }

    @Override
    public long idMostSignificantBits() {
        return segment.idMsbAt(offset);
    }

    @Override
    public long idLeastSignificantBits() {
        return segment.idLsbAt(offset);
    }

    @Override
    public boolean isTombstone() {
        return EventReader.isTombstone(segment, offset);
    }

    @Override
    public boolean isRemoved() {
        return segment.kindAt(offset) == EntryDescriptor.KIND_REMOVED;
    }

    @Override
    public boolean isExpired() {
        return retention.hides(segment, offset, position, visible.getAsLong());
    }

    @Override
    public String eventType() {
        String s = eventType;
        if (s == null) {
            s = reader.eventType(segment, offset);
            eventType = s;
        }
        return s;
    }

    @Override
    public String entityId() {
        String s = entityId;
        if (s == null) {
            s = reader.entityId(segment, offset);
            entityId = s;
        }
        return s;
    }

    @Override
    public String tenantId() {
        String s = tenantId;
        if (s == null) {
            s = reader.tenantId(segment, offset);
            tenantId = s;
        }
        return s;
    }

    @Override
    public long timestampNanos() {
        return segment.timestampAt(offset);
    }

    @Override
    public long version() {
        return segment.versionAt(offset);
    }

    @Override
    public int payloadSize() {
        return EventReader.isTombstone(segment, offset) ? 0 : segment.payloadLengthAt(offset);
    }

    @Override
    public Record payload() {
        return reader.payload(segment, offset);
    }

    @Override
    public Optional<Record> metadata() {
        return Optional.ofNullable(reader.metadata(segment, offset));
    }

    @Override
    public StoredEvent toStoredEvent() {
        if (eventType == null && entityId == null && tenantId == null) {
            return reader.read(segment, offset, position); // finds the three contiguous strings at once
        }
        return reader.event(segment, offset, position, eventType(), entityId(), tenantId(), payload());
    }

    @Override
    public String toString() {
        return "LogEntry[" + position + "]";
    }
}
