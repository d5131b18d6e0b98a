package dev.peregrine.bench.view;

import dev.peregrine.bench.BenchFiles;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Subscription end-to-end latency: the time from an append being acknowledged (its {@code append}
 * call returned) to the subscriber's listener receiving the event, while a writer appends at a fixed
 * rate (default 10,000 events/s in batches of 10 every millisecond). Recorded per event in an
 * HdrHistogram; prints p50/p90/p99/p99.9/max. Not JMH: latency under a paced load is not an average.
 *
 * <p>Arguments: {@code [durability=none|fsync|interval:<ms>] [seconds=10] [eventsPerSecond=10000]}.
 * The listener can run before {@code append} returns (the commit is visible before the caller's thread
 * is scheduled); such events count as 0.
 */
public final class SubscriptionLatencyMain {

    private SubscriptionLatencyMain() {}

    public static void main(String[] args) throws Exception {
        Durability durability = Durability.parse(args.length > 0 ? args[0] : "none");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int batch = 10;
        int total = seconds * rate;
        Path dir = Files.createTempDirectory("peregrine-sublat-");
        long[] acked = new long[total + 2];
        long[] delivered = new long[total + 2];
        try (EventStore store = EventStore.open(dir, StoreOptions.builder().durability(durability)
                .segmentBytes(256 << 20).builtInProjections(false).build())) {
            CountDownLatch done = new CountDownLatch(1);
            Subscription sub = store.subscriptions().subscribe(StartPosition.now(), SubscriptionFilter.ALL, e -> {
                int p = (int) e.position();
                delivered[p] = System.nanoTime();
                if (p == total) {
                    done.countDown();
                }
            });
            while (!sub.isLive()) {
                Thread.sleep(1);
            }
            List<NewEvent> events = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                events.add(NewEvent.builder().eventType("bench.tick").entityId("e" + i)
                        .payload(RecordBuilder.create(store.dictionary()).put("i", (long) i).build()).build());
            }
            long periodNanos = TimeUnit.SECONDS.toNanos(1) * batch / rate;
            long next = System.nanoTime();
            int written = 0;
            while (written < total) {
                long last = store.append(events).getLast().position();
                long now = System.nanoTime();
                for (long p = last - batch + 1; p <= last; p++) {
                    acked[(int) p] = now;
                }
                written += batch;
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("subscriber did not receive every event");
            }
            sub.close();
        } finally {
            try {
                BenchFiles.deleteTree(dir);
            } catch (IOException e) {
                System.err.println("cannot delete " + dir + ": " + e);
            }
        }
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        int warmup = total / 10;
        for (int p = warmup + 1; p <= total; p++) {
            h.recordValue(Math.max(0, delivered[p] - acked[p]));
        }
        System.out.printf("durability=%s rate=%d/s events=%d (first %d skipped as warm-up)%n", durability, rate, total,
                warmup);
        System.out.printf("append-acknowledged -> delivered: p50=%.1f us p90=%.1f us p99=%.1f us p99.9=%.1f us "
                        + "max=%.1f us%n", h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }
}
