package dev.peregrine.store.subscription;

import java.time.Duration;
import java.util.Optional;

/**
 * One consumer in a {@link ConsumerGroup}. Pulls deliveries; closing it hands its unsettled
 * deliveries back to the group. Thread-safe.
 */
public interface GroupMember extends AutoCloseable {

    /** @return the member's id */
    String id();

    /**
     * Waits for the next delivery: one the group's strategy gives this member, while the member holds
     * fewer unsettled deliveries than its limit.
     *
     * @param timeout how long to wait at most
     * @return the delivery, or empty when none came in time
     * @throws InterruptedException when interrupted while waiting
     * @throws dev.peregrine.store.StateConflictException when the member has left (closed, or stopped
     *     by {@link NackAction#STOP}) or the group is closed or deleted
     */
    Optional<Delivery> poll(Duration timeout) throws InterruptedException;

    /** Leaves the group; unsettled deliveries go to other members. Idempotent. */
    @Override
    void close();
}
