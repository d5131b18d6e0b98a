package dev.peregrine.store.follow;

/**
 * What a {@link LogFollower} feeds: every committed entry once, in position order, on the follower's
 * thread. Only {@link #accept} is required; the other methods have defaults that suit a consumer
 * without persistent state.
 *
 * <p>Thread safety: the follower calls every method from its one thread, never two at once.
 */
@FunctionalInterface
public interface LogConsumer {

    /** What the follower does after {@link #accept} (or reading the log) failed. */
    enum Failure {
        /** Log it, wait the follower's retry delay, and offer the same entry again. */
        RETRY,
        /** Log it and stop consuming until {@link LogFollower#rewind}; the position stays before the entry. */
        HALT
    }

    /**
     * Consumes the next entry. The entry is re-pointed after this returns: copy what you keep.
     * The follower's position moves past the entry only when this returns normally.
     *
     * @param entry the entry
     * @throws Exception to report a failure, handled as {@link #onFailure} says
     */
    void accept(LogEntry entry) throws Exception;

    /**
     * Lets the consumer pass over entries it has no use for without reading them (for example while
     * nothing is attached to it). Called before each run of entries; returning {@code true} counts every
     * entry up to {@code through} as consumed. After a skipped run the follower gathers commits for
     * {@link LogFollower#GATHER_UNDER_LOAD} before the next (see {@link LogFollower.Builder#gather}), so a
     * consumer that skips must accept seeing entries up to that much later once it reads again. The
     * default reads everything.
     *
     * @param through the last entry of the run
     * @return whether the run is skipped
     */
    default boolean skip(long through) {
        return false;
    }

    /**
     * Persists that every entry up to {@code position} has been consumed, on the follower's
     * checkpoint policy and once more when it closes. A failure (a full disk) is logged and the next
     * checkpoint tries again: a checkpoint only shortens the replay after a restart, so it must never
     * stop the consumer. The default persists nothing.
     *
     * @param position the last consumed position (0 before the first entry)
     * @throws Exception if the checkpoint could not be written
     */
    default void checkpoint(long position) throws Exception {
    }

    /**
     * The follower was rewound ({@link LogFollower#rewind}): forget what was consumed after
     * {@code position}; the next entry offered is {@code position + 1}. The default does nothing.
     *
     * @param position the new consumed position
     * @throws Exception if the consumer cannot start over; the follower then halts
     */
    default void rewound(long position) throws Exception {
    }

    /**
     * Decides what happens after consuming {@code position} failed. The default retries, which suits a
     * consumer that can apply an entry again after a partial failure (or a log that could not be read).
     *
     * @param position the entry that failed
     * @param failure what was thrown
     * @return retry the entry after a delay, or halt until rewound
     */
    default Failure onFailure(long position, Exception failure) {
        return Failure.RETRY;
    }
}
