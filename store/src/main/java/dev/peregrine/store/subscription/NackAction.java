package dev.peregrine.store.subscription;

/** What a {@link Delivery#nack(NackAction, String) negative acknowledgement} asks the group to do. */
public enum NackAction {

    /**
     * Deliver it again (to any member, before newer events of the group), or park it once it has been
     * delivered {@link GroupOptions#maxAttempts()} times.
     */
    RETRY,

    /** Park it now, whatever its attempt count. */
    PARK,

    /** Give up on it without parking: it counts as settled, like an acknowledgement. */
    SKIP,

    /**
     * The member stops: the event, and every other delivery the member holds, go back to the group
     * without counting as failed attempts, and the member leaves the group.
     */
    STOP
}
