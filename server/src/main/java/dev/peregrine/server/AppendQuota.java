package dev.peregrine.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Appends per second for each tenant, as a token bucket: a tenant may append {@code burst} events
 * at once, and the bucket refills at {@code perSecond} events a second. Applies to requests made
 * with tenant-bound keys; an append that would overdraw the bucket is refused before anything is
 * handed to the store, with the seconds until it would fit ({@code Retry-After}).
 *
 * <p>Thread-safe: one small lock per tenant's bucket, held for a few arithmetic operations.
 */
final class AppendQuota {
    /** No limit. */
    static final AppendQuota UNLIMITED = new AppendQuota(0, 0);

    private final double perSecond;
    private final long burst;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perSecond refill rate, 0 for no limit @param burst bucket size, at least 1 when limited */
    AppendQuota(double perSecond, long burst) {
        this(perSecond, burst, System::nanoTime);
    }

    /** As above, refilled by the time {@code nanoClock} tells (tests move it by hand). */
    AppendQuota(double perSecond, long burst, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    boolean limited() {
        return perSecond > 0;
    }

    double perSecond() {
        return perSecond;
    }

    long burst() {
        return burst;
    }

    /**
     * Takes {@code events} tokens from {@code tenant}'s bucket.
     *
     * @return 0 when taken, else how many whole seconds (at least 1) until they would be available;
     *         {@code -1} when {@code events} exceeds the burst and can never be taken at once
     */
    long take(String tenant, int events) {
        if (!limited()) {
            return 0;
        }
        if (events > burst) {
            return -1;
        }
        return buckets.computeIfAbsent(tenant, t -> new Bucket(burst)).take(events, nanoClock.getAsLong());
    }

    private final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(long tokens) {
            this.tokens = tokens;
            this.refilledAt = nanoClock.getAsLong();
        }

        synchronized long take(int events, long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) * perSecond / TimeUnit.SECONDS.toNanos(1));
            refilledAt = now;
            if (tokens >= events) {
                tokens -= events;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((events - tokens) / perSecond));
        }
    }
}
