package dev.peregrine.store.view.internal;

import dev.peregrine.record.Record;
import dev.peregrine.store.StoredEvent;

/**
 * Presents a {@link StoredEvent} as a {@link ViewInput}. Re-pointed at each event rather than
 * allocated per event; owned by one thread.
 */
final class StoredEventInput implements ViewInput {

    private StoredEvent event;

    StoredEventInput of(StoredEvent e) {
        this.event = e;
        return this;
    }

    @Override
    public long position() {
        return event.position();
    }

    @Override
    public String eventType() {
        return event.eventType();
    }

    @Override
    public String entityId() {
        return event.entityId();
    }

    @Override
    public String tenantId() {
        return event.tenantId();
    }

    @Override
    public long timestamp() {
        return event.timestampNanos();
    }

    @Override
    public long version() {
        return event.version();
    }

    @Override
    public Record payload() {
        return event.payload();
    }
}
