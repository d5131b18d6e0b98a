package dev.peregrine.bench.view;

import dev.peregrine.record.Record;
import dev.peregrine.store.view.internal.ViewInput;

/**
 * A prebuilt event offered again at a later position, so that a benchmark can offer one batch over and
 * over while the positions a view sees keep rising (a filter view keys its rows by position). Re-pointed,
 * never allocated per event; owned by one thread.
 */
final class ShiftedInput implements ViewInput {

    private ViewInput event;
    private long shift;

    ShiftedInput of(ViewInput e, long by) {
        this.event = e;
        this.shift = by;
        return this;
    }

    @Override
    public long position() {
        return event.position() + shift;
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
        return event.timestamp();
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
