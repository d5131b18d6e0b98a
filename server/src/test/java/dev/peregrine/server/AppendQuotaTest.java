package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket against a clock the test moves: burst, refill, Retry-After, the burst ceiling. */
class AppendQuotaTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void burstThenRefillAtTheRate() {
        AppendQuota quota = new AppendQuota(10, 20, now::get);
        assertThat(quota.take("acme", 20)).isZero();
        assertThat(quota.take("acme", 1)).isEqualTo(1);
        assertThat(quota.take("beta", 20)).isZero();
        advanceMillis(500); // 5 tokens back
        assertThat(quota.take("acme", 5)).isZero();
        assertThat(quota.take("acme", 1)).isEqualTo(1);
        advanceMillis(10_000); // full again, never above the burst
        assertThat(quota.take("acme", 20)).isZero();
        assertThat(quota.take("acme", 1)).isEqualTo(1);
        assertThat(quota.take("acme", 21)).isEqualTo(-1);
    }

    @Test
    void retryAfterIsTheWaitForTheMissingTokens() {
        AppendQuota quota = new AppendQuota(2, 10, now::get);
        assertThat(quota.take("acme", 10)).isZero();
        assertThat(quota.take("acme", 7)).isEqualTo(4); // 7 tokens at 2/s: 3.5 s, rounded up
        advanceMillis(3_500);
        assertThat(quota.take("acme", 7)).isZero();
    }

    @Test
    void neverAdmitsMoreThanBurstPlusRateTimesTime() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        double rate = 1 + random.nextInt(100);
        long burst = 1 + random.nextInt(50);
        AppendQuota quota = new AppendQuota(rate, burst, now::get);
        long admitted = 0;
        long elapsedMillis = 0;
        for (int i = 0; i < 10_000; i++) {
            long step = random.nextInt(20);
            advanceMillis(step);
            elapsedMillis += step;
            int events = 1 + random.nextInt((int) burst);
            if (quota.take("t", events) == 0) {
                admitted += events;
            }
            assertThat((double) admitted).as("seed %d", seed).isLessThanOrEqualTo(burst + rate * elapsedMillis / 1000.0 + 1e-6);
        }
    }

    @Test
    void unlimitedTakesAnything() {
        assertThat(AppendQuota.UNLIMITED.take("acme", Integer.MAX_VALUE)).isZero();
    }
}
