package dev.peregrine.store;

import dev.peregrine.record.Record;

import java.time.Instant;
import java.util.Optional;

/**
 * An entity's state, folded from its payloads in version order with JSON Merge Patch (RFC 7396):
 * objects merge recursively, {@code null} removes a key, anything else replaces.
 *
 * @param entityId the entity
 * @param state the folded state
 * @param eventCount events folded (equals the stream version reached)
 * @param lastUpdated timestamp of the last event folded
 * @param lastPosition global position of the last event folded
 * @param asOf the time-travel point used, if one was given
 */
public record EntityState(String entityId, Record state, long eventCount, Instant lastUpdated, long lastPosition,
                          Optional<Instant> asOf) {
}
