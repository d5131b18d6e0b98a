package dev.peregrine.store.subscription;

import dev.peregrine.store.StoredEvent;

/**
 * One event handed to one member of a {@link ConsumerGroup}. Settle it exactly once with
 * {@link #ack()} or {@link #nack(String)}; an unsettled delivery is handed out again after the
 * group's ack timeout.
 */
public interface Delivery {

    /** @return the event */
    StoredEvent event();

    /** @return 1 for the first delivery of this event, 2 for the first retry, and so on */
    int attempt();

    /** The event is processed; the group moves on to the entity's next event. */
    void ack();

    /**
     * Processing failed: the event is delivered again (to any member), or parked once it has failed
     * {@link GroupOptions#maxAttempts()} times.
     *
     * @param reason why, kept with the event if it is parked
     */
    void nack(String reason);
}
