package dev.peregrine.store.subscription;

/**
 * An event a consumer group gave up on after too many failed attempts. It stays parked (persisted)
 * until replayed with {@link ConsumerGroup#replayParked(long)}.
 *
 * @param position the event's log position
 * @param entityId the event's entity
 * @param eventType the event's type
 * @param attempts how many times it was delivered
 * @param reason the reason given by the last {@link Delivery#nack(String)}
 */
public record ParkedEvent(long position, String entityId, String eventType, int attempts, String reason) {}
