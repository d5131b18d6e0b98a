package dev.peregrine.store.view.internal;

import dev.peregrine.record.Record;

/**
 * An event as a view sees it: the log's attributes and the payload record. The store adapts its
 * stored events to this; tests and benchmarks build them directly.
 */
public interface ViewInput {

    /** @return the global log position */
    long position();

    /** @return the event type */
    String eventType();

    /** @return the entity (stream) id */
    String entityId();

    /** @return the tenant id, or {@code null} */
    String tenantId();

    /** @return the commit timestamp in epoch nanoseconds */
    long timestamp();

    /** @return the event's version within its entity */
    long version();

    /** @return the payload */
    Record payload();
}
