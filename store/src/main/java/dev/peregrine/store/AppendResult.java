package dev.peregrine.store;

import java.time.Instant;
import java.util.UUID;

/**
 * What the store assigned to one appended event.
 *
 * @param eventId the event's id (the client's, or the generated one)
 * @param position global position in the log: gapless, from 1
 * @param version position within the entity's stream, from 1
 * @param timestamp server-assigned time; never earlier than any earlier position's
 */
public record AppendResult(UUID eventId, long position, long version, Instant timestamp) {
}
