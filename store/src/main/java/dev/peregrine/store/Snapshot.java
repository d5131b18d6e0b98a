package dev.peregrine.store;

import dev.peregrine.record.Record;

import java.time.Instant;

/**
 * An entity's state persisted at one version, so that reconstruction can start there.
 *
 * @param entityId the entity
 * @param state the folded state up to and including {@code position}
 * @param version the stream version folded into {@code state}
 * @param position the global position of the last event folded
 * @param timestamp the timestamp of that event
 */
public record Snapshot(String entityId, Record state, long version, long position, Instant timestamp) {
}
