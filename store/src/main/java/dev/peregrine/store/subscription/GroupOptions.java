package dev.peregrine.store.subscription;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ConsumerGroup}. Immutable.
 *
 * @param filter which events the group consumes; default {@link SubscriptionFilter#ALL}
 * @param maxAttempts deliveries of one event before it is parked; default 5
 * @param ackTimeout how long a delivery may stay unsettled before it is handed out again; default 30 s
 * @param maxInFlight how many events the group holds between its checkpoint and the log's
 *     position read so far; default 1,024
 */
public record GroupOptions(SubscriptionFilter filter, int maxAttempts, Duration ackTimeout, int maxInFlight) {

    /** The defaults listed above. */
    public static final GroupOptions DEFAULTS =
            new GroupOptions(SubscriptionFilter.ALL, 5, Duration.ofSeconds(30), 1024);

    /** Checks the settings. */
    public GroupOptions {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("ackTimeout must be positive, got " + ackTimeout);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
    }

    /**
     * @param f the filter
     * @return these options with that filter
     */
    public GroupOptions withFilter(SubscriptionFilter f) {
        return new GroupOptions(f, maxAttempts, ackTimeout, maxInFlight);
    }

    /**
     * @param n deliveries before parking
     * @return these options with that limit
     */
    public GroupOptions withMaxAttempts(int n) {
        return new GroupOptions(filter, n, ackTimeout, maxInFlight);
    }

    /**
     * @param d the ack timeout
     * @return these options with that timeout
     */
    public GroupOptions withAckTimeout(Duration d) {
        return new GroupOptions(filter, maxAttempts, d, maxInFlight);
    }
}
