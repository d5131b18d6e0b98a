package dev.peregrine.store.subscription;

/**
 * A named subscription whose acknowledged position the store persists: reopened under the same name,
 * after a restart of the store or of the consumer, it resumes after the last acknowledged position.
 * Delivery is at least once: events delivered but not acknowledged before a restart come again.
 */
public interface DurableSubscription extends Subscription {

    /** @return the subscription's name */
    String name();

    /**
     * Acknowledges every event up to and including {@code position}; the checkpoint is written to
     * disk (atomically) before this returns. Acknowledging a position at or below the current one does
     * nothing.
     *
     * @param position a position delivered to this subscription
     * @throws dev.peregrine.store.InvalidEventException when {@code position} is past the end of the log
     */
    void ack(long position);

    /** @return the persisted acknowledged position (0 when nothing was acknowledged) */
    long acknowledgedPosition();
}
