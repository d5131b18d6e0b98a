package dev.peregrine.store.subscription;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ConsumerGroup}, persisted with it. Immutable; change one with its
 * {@code with...} method.
 *
 * <pre>{@code
 * GroupOptions o = GroupOptions.DEFAULTS.withStart(StartPosition.now()).withMaxAttempts(3)
 *         .withStrategy(ConsumerStrategy.PINNED);
 * }</pre>
 *
 * @param filter which events the group consumes; default {@link SubscriptionFilter#ALL}. Fixed when
 *     the group is created
 * @param start where a new group starts: {@link StartPosition#at(long)} (default position 1, the
 *     whole log) or {@link StartPosition#now()} (after the end of the log at creation). Used only when
 *     the group is created; afterwards the group resumes from its checkpoint
 * @param maxAttempts deliveries of one event before it is parked; default 5
 * @param ackTimeout how long a delivery may stay unsettled before it counts as a failed attempt and
 *     is handed out again; default 30 s
 * @param maxInFlight how many events the group holds between its checkpoint and the newest event it
 *     has read (delivered, waiting for delivery or waiting behind an earlier event of its entity), and
 *     the default limit of unsettled deliveries per member; default 1,024
 * @param strategy how events are shared among members; default {@link ConsumerStrategy#ROUND_ROBIN}
 * @param maxMembers how many members may be in the group at once, 0 for no limit; default 0
 */
public record GroupOptions(SubscriptionFilter filter, StartPosition start, int maxAttempts, Duration ackTimeout,
                           int maxInFlight, ConsumerStrategy strategy, int maxMembers) {

    /** The defaults listed above. */
    public static final GroupOptions DEFAULTS = new GroupOptions(SubscriptionFilter.ALL, StartPosition.at(1), 5,
            Duration.ofSeconds(30), 1024, ConsumerStrategy.ROUND_ROBIN, 0);

    /** Checks the settings. */
    public GroupOptions {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(strategy, "strategy");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("ackTimeout must be positive, got " + ackTimeout);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        if (maxMembers < 0) {
            throw new IllegalArgumentException("maxMembers must be 0 (no limit) or more, got " + maxMembers);
        }
    }

    /**
     * @param f the filter
     * @return these options with that filter
     */
    public GroupOptions withFilter(SubscriptionFilter f) {
        return new GroupOptions(f, start, maxAttempts, ackTimeout, maxInFlight, strategy, maxMembers);
    }

    /**
     * @param s where a new group starts
     * @return these options with that start
     */
    public GroupOptions withStart(StartPosition s) {
        return new GroupOptions(filter, s, maxAttempts, ackTimeout, maxInFlight, strategy, maxMembers);
    }

    /**
     * @param n deliveries before parking
     * @return these options with that limit
     */
    public GroupOptions withMaxAttempts(int n) {
        return new GroupOptions(filter, start, n, ackTimeout, maxInFlight, strategy, maxMembers);
    }

    /**
     * @param d the ack timeout
     * @return these options with that timeout
     */
    public GroupOptions withAckTimeout(Duration d) {
        return new GroupOptions(filter, start, maxAttempts, d, maxInFlight, strategy, maxMembers);
    }

    /**
     * @param n events held between the checkpoint and the newest read
     * @return these options with that window
     */
    public GroupOptions withMaxInFlight(int n) {
        return new GroupOptions(filter, start, maxAttempts, ackTimeout, n, strategy, maxMembers);
    }

    /**
     * @param s the strategy
     * @return these options with that strategy
     */
    public GroupOptions withStrategy(ConsumerStrategy s) {
        return new GroupOptions(filter, start, maxAttempts, ackTimeout, maxInFlight, s, maxMembers);
    }

    /**
     * @param n members at once, 0 for no limit
     * @return these options with that limit
     */
    public GroupOptions withMaxMembers(int n) {
        return new GroupOptions(filter, start, maxAttempts, ackTimeout, maxInFlight, strategy, n);
    }
}
