package dev.peregrine.store.view.internal;

import dev.peregrine.record.Record;
import dev.peregrine.store.follow.LogEntry;

/**
 * Presents a {@link LogEntry} as a {@link ViewInput}. Re-pointed at each entry rather than allocated
 * per entry, and makes the entry's payload record once for all the views it is offered to; owned by
 * one thread.
 */
final class EntryInput implements ViewInput {

    private LogEntry entry;
    private Record payload;

    EntryInput of(LogEntry e) {
        this.entry = e;
        this.payload = null;
        return this;
    }

    @Override
    public long position() {
        return entry.position();
    }

    @Override
    public String eventType() {
        return entry.eventType();
    }

    @Override
    public String entityId() {
        return entry.entityId();
    }

    @Override
    public String tenantId() {
        return entry.tenantId();
    }

    @Override
    public long timestamp() {
        return entry.timestampNanos();
    }

    @Override
    public long version() {
        return entry.version();
    }

    @Override
    public Record payload() {
        Record p = payload;
        if (p == null) {
            p = entry.payload();
            payload = p;
        }
        return p;
    }
}
