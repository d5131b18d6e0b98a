package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The failure throttle against a clock the test moves. */
class FailureThrottleTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final FailureThrottle throttle = new FailureThrottle(now::get);

    @Test
    void freeFailuresThenDoublingDelaysUpToTheCap() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < FailureThrottle.FREE_FAILURES + 8; i++) {
            delays.add(throttle.failed("10.0.0.1"));
        }
        assertThat(delays.subList(0, FailureThrottle.FREE_FAILURES)).containsOnly(0L);
        assertThat(delays.subList(FailureThrottle.FREE_FAILURES, delays.size()))
                .containsExactly(50L, 100L, 200L, 400L, 800L, 1_600L, 2_000L, 2_000L);
        // Another address is not slowed by this one.
        assertThat(throttle.failed("10.0.0.2")).isZero();
    }

    @Test
    void aQuietWindowForgets() {
        for (int i = 0; i < FailureThrottle.FREE_FAILURES + 3; i++) {
            throttle.failed("10.0.0.1");
        }
        assertThat(throttle.failed("10.0.0.1")).isPositive();
        now.addAndGet(TimeUnit.SECONDS.toNanos(FailureThrottle.WINDOW_SECONDS + 1));
        assertThat(throttle.failed("10.0.0.1")).isZero();
    }

    @Test
    void manyAddressesAreForgottenRatherThanKept() {
        for (int i = 0; i < FailureThrottle.FREE_FAILURES + 1; i++) {
            throttle.failed("10.0.0.1");
        }
        for (int i = 0; i < FailureThrottle.MAX_ADDRESSES; i++) {
            throttle.failed("addr-" + i);
        }
        // The map filled up and was emptied: 10.0.0.1 starts again with free failures.
        assertThat(throttle.failed("10.0.0.1")).isZero();
    }
}
