package dev.peregrine.store.subscription;

import dev.peregrine.store.StoredEvent;

/**
 * One event handed to one member of a {@link ConsumerGroup}. Settle it exactly once with
 * {@link #ack()} or {@link #nack(NackAction, String)}. An unsettled delivery is handed out again after
 * the group's ack timeout, and then settling this one does nothing; so does settling it after the
 * group was closed or deleted (a closed group delivers it again when it is opened next).
 */
public interface Delivery {

    /** @return the event */
    StoredEvent event();

    /** @return 1 for the first delivery of this event, 2 for the first retry, and so on */
    int attempt();

    /**
     * The event is processed; the group moves on to the entity's next event. Returns once the group's
     * persisted state reflects this acknowledgement (its checkpoint is on disk, forced, at least as far
     * as this acknowledgement moved it), so an acknowledged event is not delivered again after a
     * crash unless an event below it was still unsettled. Acknowledgements of several members that
     * arrive while one write runs share the next write.
     *
     * @throws dev.peregrine.store.StateConflictException when this delivery was settled already
     * @throws dev.peregrine.store.StorageFailureException when the state cannot be written; the
     *     acknowledgement then counts in memory but may not survive a crash
     */
    void ack();

    /**
     * Processing failed; {@code action} says what the group does with the event. Returns once the
     * persisted state reflects it, as {@link #ack()}.
     *
     * @param action retry (parked after {@link GroupOptions#maxAttempts()}), park, skip, or stop the member
     * @param reason why, kept with the event if it is parked
     * @throws dev.peregrine.store.StateConflictException when this delivery was settled already
     */
    void nack(NackAction action, String reason);
}
