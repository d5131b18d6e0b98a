package dev.peregrine.store.subscription;

/**
 * An event a consumer group gave up on: after too many failed attempts, or parked by a
 * {@linkplain NackAction#PARK nack}. It stays parked (persisted) until replayed with
 * {@link ConsumerGroup#replayParked(long)} and acknowledged.
 *
 * @param position the event's log position
 * @param entityId the event's entity
 * @param eventType the event's type
 * @param attempts how many times it was delivered
 * @param reason the reason given by the last nack, or why the delivery failed
 */
public record ParkedEvent(long position, String entityId, String eventType, int attempts, String reason) {}
