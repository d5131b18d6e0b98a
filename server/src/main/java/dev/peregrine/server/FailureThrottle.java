package dev.peregrine.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Slows the answers to repeated authentication failures from one address: the first
 * {@value #FREE_FAILURES} failures within {@value #WINDOW_SECONDS} s are answered at once, each
 * further one waits {@value #BASE_DELAY_MILLIS} ms, doubling, up to {@value #MAX_DELAY_MILLIS} ms.
 * Only failures are slowed, never a request with a valid credential, so a client guessing from an
 * address cannot lock out the valid keys used from it; guessing a 256-bit key is hopeless anyway,
 * this bounds the rate of password guesses and the noise.
 *
 * <p>Bounded: at most {@value #MAX_ADDRESSES} addresses are followed; past that, every record is
 * dropped (forgetting errs towards answering sooner, never towards refusing). Thread-safe.
 */
final class FailureThrottle {
    static final int FREE_FAILURES = 50;
    static final long WINDOW_SECONDS = 60;
    static final long BASE_DELAY_MILLIS = 50;
    static final long MAX_DELAY_MILLIS = 2_000;
    static final int MAX_ADDRESSES = 10_000;

    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Failures> byAddress = new ConcurrentHashMap<>();

    FailureThrottle() {
        this(System::nanoTime);
    }

    /** With the clock the window is measured by (tests move it by hand). */
    FailureThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Records a failure from {@code address}; returns how long to wait before answering it, in ms. */
    long failed(String address) {
        if (byAddress.size() >= MAX_ADDRESSES && !byAddress.containsKey(address)) {
            byAddress.clear();
        }
        return byAddress.computeIfAbsent(address, a -> new Failures()).record(nanoClock.getAsLong());
    }

    /** The failures of one address in its current window. */
    private static final class Failures {
        private long windowStart = Long.MIN_VALUE;
        private int count;

        synchronized long record(long now) {
            if (windowStart == Long.MIN_VALUE || now - windowStart > TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
                windowStart = now;
                count = 0;
            }
            count++;
            int over = count - FREE_FAILURES;
            if (over <= 0) {
                return 0;
            }
            return over > 16 ? MAX_DELAY_MILLIS : Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << (over - 1));
        }
    }
}
