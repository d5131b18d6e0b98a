package dev.peregrine.store.internal;

import dev.peregrine.store.Durability;

/**
 * When the sequencer forces the log to stable storage: one implementation per {@link Durability}
 * mode. A policy only decides; the sequencer forces, and a stop forces under every policy.
 *
 * <p>The sequencer asks two questions, both given the time since the last force:
 * <ul>
 *   <li>{@link #due} after each group that wrote something (and whenever its wait for the next
 *       request ends): must the unforced writes be forced now, before the group is acknowledged?</li>
 *   <li>{@link #maxWaitNanos} while unforced writes exist: how long may the loop block waiting for
 *       the next request before it must come back and force?</li>
 * </ul>
 *
 * <p>Thread safety: immutable.
 */
sealed interface ForcePolicy permits ForcePolicy.EveryGroup, ForcePolicy.Interval, ForcePolicy.OnClose {

    /** Returned by {@link #maxWaitNanos} when the loop may wait for the next request indefinitely. */
    long FOREVER = Long.MAX_VALUE;

    /**
     * @param durability the store's policy
     * @return the force policy that implements it
     */
    static ForcePolicy of(Durability durability) {
        return switch (durability.mode()) {
            case FSYNC -> new EveryGroup();
            case INTERVAL -> new Interval(durability.interval().orElseThrow().toNanos());
            case NONE -> new OnClose();
        };
    }

    /**
     * @param sinceLastForceNanos nanoseconds since the last force
     * @return whether unforced writes must be forced now
     */
    boolean due(long sinceLastForceNanos);

    /**
     * @param sinceLastForceNanos nanoseconds since the last force, with unforced writes pending
     * @return the longest the loop may wait for the next request, in nanoseconds (0 or less: none),
     *         or {@link #FOREVER}
     */
    long maxWaitNanos(long sinceLastForceNanos);

    /**
     * @return whether each group is forced before it is acknowledged: then appends gain from joining
     *         a group, since the group's one force covers them all
     */
    default boolean forcesEveryGroup() {
        return false;
    }

    /**
     * @return whether no group is ever forced (only a stop forces): then a group costs only its write,
     *         and any thread may process one without ever waiting for the disk
     */
    default boolean forcesOnlyOnClose() {
        return false;
    }

    /** {@code fsync}: every group that wrote is forced before it is acknowledged (group commit). */
    record EveryGroup() implements ForcePolicy {
        @Override
        public boolean due(long sinceLastForceNanos) {
            return true;
        }

        @Override
        public long maxWaitNanos(long sinceLastForceNanos) {
            return FOREVER; // never reached with writes pending: each group was forced already
        }

        @Override
        public boolean forcesEveryGroup() {
            return true;
        }
    }

    /**
     * {@code interval:<ms>}: groups are acknowledged once written; a force runs when the interval
     * has passed since the last one, on the next group or, when no request comes, when the wait for
     * one times out.
     *
     * @param nanos the interval
     */
    record Interval(long nanos) implements ForcePolicy {
        @Override
        public boolean due(long sinceLastForceNanos) {
            return sinceLastForceNanos >= nanos;
        }

        @Override
        public long maxWaitNanos(long sinceLastForceNanos) {
            return nanos - sinceLastForceNanos;
        }
    }

    /** {@code none}: groups are acknowledged once written; forced only when the store closes. */
    record OnClose() implements ForcePolicy {
        @Override
        public boolean due(long sinceLastForceNanos) {
            return false;
        }

        @Override
        public long maxWaitNanos(long sinceLastForceNanos) {
            return FOREVER;
        }

        @Override
        public boolean forcesOnlyOnClose() {
            return true;
        }
    }
}
