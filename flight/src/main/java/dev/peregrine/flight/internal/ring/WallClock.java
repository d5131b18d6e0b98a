package dev.peregrine.flight.internal.ring;

import java.time.Instant;

/**
 * Nanosecond wall-clock timestamps without allocation: the wall time read once at construction plus
 * {@link System#nanoTime()} elapsed since. Timestamps are therefore monotonic per thread (an event
 * logged after another on the same thread never has an earlier time) and drift from the system clock
 * only as much as the monotonic clock does from it, which NTP slews keep small. Thread-safe.
 */
public final class WallClock {
    private final long baseEpochNanos;
    private final long baseNanoTime;

    public WallClock() {
        Instant now = Instant.now();
        this.baseNanoTime = System.nanoTime();
        this.baseEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Nanoseconds since the Unix epoch. */
    public long nanos() {
        return baseEpochNanos + (System.nanoTime() - baseNanoTime);
    }
}
