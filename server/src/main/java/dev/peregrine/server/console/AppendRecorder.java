package dev.peregrine.server.console;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts acknowledged appends and their latencies in intervals, for the per-second series of
 * {@link MetricsHistory}. The Prometheus histogram of {@code /metrics} is cumulative with coarse
 * buckets, fine for a scraper's rates but too coarse for a p99 per second; HdrHistogram's
 * {@link Recorder} gives exact-to-two-digits percentiles of each interval without locking the
 * recording threads.
 *
 * <p>Thread-safe: {@link #record} is called by any thread (the store's completion threads),
 * {@link #take} by one sampler at a time.
 */
public final class AppendRecorder {
    /** Latencies above an hour are clamped: a stalled disk, not a distribution to resolve. */
    private static final long MAX_NANOS = TimeUnit.HOURS.toNanos(1);

    private final Recorder latencies = new Recorder(MAX_NANOS, 2);
    private final LongAdder events = new LongAdder();
    private Histogram recycled;

    /**
     * What was recorded since the previous {@link #take}.
     *
     * @param appends acknowledged append requests (one per single event or batch)
     * @param events events those appends stored
     * @param p50Nanos median append latency, 0 when there was no append
     * @param p99Nanos 99th percentile append latency, 0 when there was no append
     */
    public record Interval(long appends, long events, long p50Nanos, long p99Nanos) {
    }

    /** Records one acknowledged append of {@code eventCount} events that took {@code nanos}. */
    public void record(int eventCount, long nanos) {
        latencies.recordValue(Math.clamp(nanos, 1, MAX_NANOS));
        events.add(eventCount);
    }

    /** Takes the interval since the previous call, starting the next. */
    public synchronized Interval take() {
        recycled = latencies.getIntervalHistogram(recycled);
        long count = recycled.getTotalCount();
        long stored = events.sumThenReset();
        if (count == 0) {
            return new Interval(0, stored, 0, 0);
        }
        return new Interval(count, stored, recycled.getValueAtPercentile(50), recycled.getValueAtPercentile(99));
    }
}
