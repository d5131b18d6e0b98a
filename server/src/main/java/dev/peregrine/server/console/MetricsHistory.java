package dev.peregrine.server.console;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.StoreStats;
import dev.peregrine.store.subscription.Subscriptions;
import dev.peregrine.store.view.View;
import java.util.function.IntSupplier;

/**
 * The last {@value #CAPACITY} one-second samples of what the console's dashboard charts (served as
 * {@code GET /api/v1/metrics/history}): append rate and latency, fsync rate and mean time, store
 * size, open subscriptions, view lag and consumer-group lag. Kept in the server so that a dashboard opened now shows the
 * last fifteen minutes at once, without a Prometheus beside it.
 *
 * <p>A ring of primitive columns, overwritten oldest first: {@link #sample} once a second, from the
 * server's timer; {@link #since} from any request. Thread-safe (both synchronize on the history: a
 * sample is a few dozen stores, a read a copy of at most {@value #CAPACITY} rows).
 */
public final class MetricsHistory {
    /** Fifteen minutes at one sample a second. */
    public static final int CAPACITY = 900;
    /** The sampling interval the server's timer uses. */
    public static final long INTERVAL_MILLIS = 1_000;

    /** The columns, in the order {@link Series} holds them and the endpoint writes them. */
    public enum Column {
        APPENDS_PER_SECOND("appends_per_second"),
        EVENTS_PER_SECOND("events_per_second"),
        APPEND_P50_MS("append_p50_ms"),
        APPEND_P99_MS("append_p99_ms"),
        FSYNCS_PER_SECOND("fsyncs_per_second"),
        FSYNC_MEAN_MS("fsync_mean_ms"),
        EVENTS_STORED("events_stored"),
        BYTES_ON_DISK("bytes_on_disk"),
        SUBSCRIBERS("subscribers"),
        VIEW_LAG("view_lag"),
        GROUP_LAG("group_lag");

        private final String jsonName;

        Column(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The column's name in the endpoint's JSON. */
        public String jsonName() {
            return jsonName;
        }
    }

    /**
     * A copy of the samples taken after some time, oldest first.
     *
     * @param timesMillis each sample's wall-clock time, epoch milliseconds
     * @param values one array per {@link Column}, by ordinal, each as long as {@code timesMillis}
     */
    public record Series(long[] timesMillis, double[][] values) {
    }

    private final EventStore store;
    private final IntSupplier subscribers;
    private final AppendRecorder appends;
    private final long[] times = new long[CAPACITY];
    private final double[][] columns = new double[Column.values().length][CAPACITY];
    /** Total samples ever taken; the newest is at {@code (count - 1) % CAPACITY}. */
    private long count;
    private long previousNanos;
    private long previousForces;
    private long previousForceNanos;

    /**
     * @param store the store whose statistics are sampled
     * @param subscribers the number of open subscriptions
     * @param appends where the server records its appends
     */
    public MetricsHistory(EventStore store, IntSupplier subscribers, AppendRecorder appends) {
        this.store = store;
        this.subscribers = subscribers;
        this.appends = appends;
        StoreStats stats = store.stats();
        this.previousNanos = System.nanoTime();
        this.previousForces = stats.forces();
        this.previousForceNanos = stats.forceNanos();
    }

    /** Takes one sample: rates over the time since the previous one. */
    public synchronized void sample() {
        long now = System.nanoTime();
        StoreStats stats = store.stats();
        AppendRecorder.Interval interval = appends.take();
        double seconds = Math.max(1e-3, (now - previousNanos) / 1e9);
        long forces = stats.forces() - previousForces;
        long forceNanos = stats.forceNanos() - previousForceNanos;
        previousNanos = now;
        previousForces = stats.forces();
        previousForceNanos = stats.forceNanos();

        int slot = (int) (count % CAPACITY);
        times[slot] = System.currentTimeMillis();
        put(Column.APPENDS_PER_SECOND, slot, interval.appends() / seconds);
        put(Column.EVENTS_PER_SECOND, slot, interval.events() / seconds);
        put(Column.APPEND_P50_MS, slot, interval.p50Nanos() / 1e6);
        put(Column.APPEND_P99_MS, slot, interval.p99Nanos() / 1e6);
        put(Column.FSYNCS_PER_SECOND, slot, forces / seconds);
        put(Column.FSYNC_MEAN_MS, slot, forces == 0 ? 0 : forceNanos / 1e6 / forces);
        put(Column.EVENTS_STORED, slot, stats.totalEvents());
        put(Column.BYTES_ON_DISK, slot, stats.bytesOnDisk());
        put(Column.SUBSCRIBERS, slot, subscribers.getAsInt());
        put(Column.VIEW_LAG, slot, viewLag(stats.lastPosition()));
        put(Column.GROUP_LAG, slot, groupLag());
        count++;
    }

    /** The samples taken strictly after {@code afterMillis} (0 for all), oldest first. */
    public synchronized Series since(long afterMillis) {
        int held = (int) Math.min(count, CAPACITY);
        long first = count - held;
        int skip = 0;
        while (skip < held && times[(int) ((first + skip) % CAPACITY)] <= afterMillis) {
            skip++;
        }
        int n = held - skip;
        long[] outTimes = new long[n];
        double[][] outValues = new double[columns.length][n];
        for (int i = 0; i < n; i++) {
            int slot = (int) ((first + skip + i) % CAPACITY);
            outTimes[i] = times[slot];
            for (int c = 0; c < columns.length; c++) {
                outValues[c][i] = columns[c][slot];
            }
        }
        return new Series(outTimes, outValues);
    }

    private void put(Column column, int slot, double value) {
        columns[column.ordinal()][slot] = value;
    }

    /** The furthest any view is behind the log, in events: how stale the freshest read of it can be. */
    private long viewLag(long lastPosition) {
        long lag = 0;
        for (View view : store.views().list()) {
            lag = Math.max(lag, lastPosition - view.position());
        }
        return lag;
    }

    /**
     * The furthest any consumer group is behind the log, in log positions. Opens the persisted groups
     * that are not open yet (as listing them over the API does); a group whose state cannot be read is
     * left out here and reported where it is opened for use.
     */
    private long groupLag() {
        long lag = 0;
        Subscriptions subscriptions = store.subscriptions();
        for (String name : subscriptions.groupNames()) {
            try {
                lag = Math.max(lag, subscriptions.findGroup(name).map(g -> g.info().lag()).orElse(0L));
            } catch (EventStoreException unreadable) {
                // a damaged group file: its own requests answer for it
            }
        }
        return lag;
    }
}
