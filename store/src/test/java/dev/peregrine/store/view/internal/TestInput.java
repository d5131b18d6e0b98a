package dev.peregrine.store.view.internal;

import dev.peregrine.record.Record;

/** A {@link ViewInput} built directly, for engine tests and benchmarks. */
public record TestInput(long position, String eventType, String entityId, String tenantId, long timestamp,
                        long version, Record payload) implements ViewInput {}
