package dev.peregrine.bench.view;

import dev.peregrine.bench.BenchFiles;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Projection;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast the store's readers of the log catch up on a backlog: the rate at which each one consumes
 * a log of N order events ({@code {"amount", "status", "customer": {"id", "tier"}}}) it has not seen.
 *
 * <ul>
 *   <li>{@code views}: two views (a filter with two columns, a group by {@code customer.id} with count
 *       and sum) whose state files were deleted, fed from position 1 by the view feeder after
 *       reopening, until both reach the last position.</li>
 *   <li>{@code projection}: a projection that sums {@code amount} over every event, registered on an
 *       open store, until {@code awaitProjections} returns.</li>
 *   <li>{@code subscription}: a subscription from position 1 that reads {@code amount} from every
 *       event, until it has received the last one.</li>
 * </ul>
 *
 * <p>Each round reopens the store; prints every round and, per reader, the median events/s (wall time)
 * and the median CPU time of the whole process per event (every thread, the collector's and the
 * compiler's included), which a machine shared with other busy processes disturbs far less than wall
 * time. Uses only the public API, so the same class measures any version of the store. Arguments:
 * {@code [events=500000] [rounds=5] [readers=vps]} (the readers to measure: {@code v}iews,
 * {@code p}rojection, {@code s}ubscription; measuring one alone keeps the others' code out of the
 * JIT's profile).
 */
public final class FollowerCatchUpMain {

    private static final ViewDefinition FILTER = ViewMaintenanceBenchmark.FILTER;
    private static final ViewDefinition GROUP = ViewMaintenanceBenchmark.GROUP;

    private FollowerCatchUpMain() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String readers = args.length > 2 ? args[2] : "vps";
        Path dir = Files.createTempDirectory("peregrine-catchup-");
        try {
            long last = fill(dir, events);
            Timing views = new Timing(rounds);
            Timing projection = new Timing(rounds);
            Timing subscription = new Timing(rounds);
            for (int r = 0; r < rounds; r++) {
                if (readers.contains("v")) {
                    views(dir, last, views, r);
                }
                if (readers.contains("p")) {
                    projection(dir, last, projection, r);
                }
                if (readers.contains("s")) {
                    subscription(dir, last, subscription, r);
                }
                System.out.printf("round %d: views %s, projection %s, subscription %s%n", r + 1,
                        views.round(r), projection.round(r), subscription.round(r));
            }
            System.out.printf("median of %d rounds, %d events: views %s, projection %s, subscription %s%n",
                    rounds, last, views.median(), projection.median(), subscription.median());
        } finally {
            BenchFiles.deleteTree(dir);
        }
    }

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(256 << 20)
                .builtInProjections(false).build();
    }

    /** Appends the events with both views registered, so their definitions are persisted. */
    private static long fill(Path dir, int events) throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            store.views().register(FILTER, BackfillListener.NONE);
            store.views().register(GROUP, BackfillListener.NONE);
            Random rnd = new Random(42);
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                int customer = rnd.nextInt(1_000);
                Record payload = RecordBuilder.create(store.dictionary()).withFields(Map.of(
                        "amount", (long) rnd.nextInt(500),
                        "status", rnd.nextBoolean() ? "new" : "paid",
                        "customer", Map.of("id", "c" + customer, "tier", (long) rnd.nextInt(3)))).build();
                batch.add(NewEvent.builder().eventType("order.placed").entityId("order-" + i).payload(payload).build());
                if (batch.size() == 1_000) {
                    store.append(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                store.append(batch);
            }
            long last = store.lastPosition();
            for (View v : store.views().list()) {
                v.awaitPosition(last, Duration.ofMinutes(10));
            }
            return last;
        }
    }

    /** Wall and process CPU time of each round of one reader. */
    private static final class Timing {
        private static final OperatingSystemMXBean OS =
                (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final double[] eventsPerSecond;
        final double[] cpuNanosPerEvent;
        long startedNanos;
        long startedCpu;

        Timing(int rounds) {
            eventsPerSecond = new double[rounds];
            cpuNanosPerEvent = new double[rounds];
        }

        /** Marks the beginning of the measured part of a round. */
        void begin() {
            startedCpu = OS.getProcessCpuTime();
            startedNanos = System.nanoTime();
        }

        /** Marks its end. */
        void end(int round, long events) {
            long wall = System.nanoTime() - startedNanos;
            long cpu = OS.getProcessCpuTime() - startedCpu;
            eventsPerSecond[round] = events * 1e9 / wall;
            cpuNanosPerEvent[round] = (double) cpu / events;
        }

        String round(int r) {
            return String.format("%.0f events/s %.0f ns CPU/event", eventsPerSecond[r], cpuNanosPerEvent[r]);
        }

        String median() {
            return String.format("%.0f events/s %.0f ns CPU/event", FollowerCatchUpMain.median(eventsPerSecond),
                    FollowerCatchUpMain.median(cpuNanosPerEvent));
        }
    }

    private static void views(Path dir, long last, Timing timing, int round) throws Exception {
        try (DirectoryStream<Path> states = Files.newDirectoryStream(dir.resolve("views"), "*.view")) {
            for (Path state : states) {
                Files.delete(state);
            }
        }
        try (EventStore store = EventStore.open(dir, options())) {
            timing.begin();
            for (View v : store.views().list()) {
                if (!v.awaitPosition(last, Duration.ofMinutes(10))) {
                    throw new IllegalStateException("view " + v.name() + " did not catch up");
                }
            }
            timing.end(round, last);
        }
    }

    private static void projection(Path dir, long last, Timing timing, int round) throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            AtomicLong sum = new AtomicLong();
            timing.begin();
            store.registerProjection(new Projection() {
                @Override
                public String name() {
                    return "amounts";
                }

                @Override
                public void apply(StoredEvent event) {
                    sum.addAndGet(event.payload().getLong("amount"));
                }

                @Override
                public Optional<Record> state(String key) {
                    return Optional.empty();
                }

                @Override
                public void reset() {
                    sum.set(0);
                }
            });
            store.awaitProjections(Duration.ofMinutes(10));
            timing.end(round, last);
        }
    }

    private static void subscription(Path dir, long last, Timing timing, int round) throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            CountDownLatch done = new CountDownLatch(1);
            long[] sum = new long[1];
            timing.begin();
            Subscription sub = store.subscriptions().subscribe(StartPosition.at(1), SubscriptionFilter.ALL, e -> {
                sum[0] += e.payload().getLong("amount");
                if (e.position() == last) {
                    done.countDown();
                }
            });
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("subscription did not catch up");
            }
            timing.end(round, last);
            sub.close();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
