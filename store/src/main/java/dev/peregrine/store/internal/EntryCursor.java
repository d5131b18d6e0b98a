package dev.peregrine.store.internal;

import dev.peregrine.record.Record;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.follow.LogCursor;
import dev.peregrine.store.log.LogSegment;

/**
 * The engine's {@link LogCursor}: a segment and an offset, re-pointed per entry, with every field read
 * from the mapped bytes through {@link EventReader} when asked for. The strings (cached instances),
 * the payload record and the {@link StoredEvent} are looked up or made on first use for an entry and
 * kept until the cursor moves on, so several readers of one entry decode it once.
 * Not thread-safe: one per reading thread.
 */
final class EntryCursor implements LogCursor {

    private final EventReader reader;
    private LogSegment segment;
    private long offset;
    private long position;
    private String eventType;
    private String entityId;
    private String tenantId;
    private Record payload;
    private StoredEvent event;

    EntryCursor(EventReader reader) {
        this.reader = reader;
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
        this.payload = null;
        this.event = null;
        return this;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public boolean isTombstone() {
        return EventReader.isTombstone(segment, offset);
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
    public Record payload() {
        Record p = payload;
        if (p == null) {
            p = reader.payload(segment, offset);
            payload = p;
        }
        return p;
    }

    @Override
    public StoredEvent toStoredEvent() {
        StoredEvent e = event;
        if (e == null) {
            e = reader.event(segment, offset, position, eventType(), entityId(), tenantId(), payload());
            event = e;
        }
        return e;
    }

    @Override
    public String toString() {
        return "LogEntry[" + position + "]";
    }
}
