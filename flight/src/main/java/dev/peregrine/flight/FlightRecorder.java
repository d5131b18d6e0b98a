package dev.peregrine.flight;

import dev.peregrine.flight.internal.codec.SlotDecoder;
import dev.peregrine.flight.internal.codec.SnapshotWriter;
import dev.peregrine.flight.internal.config.LevelFilter;
import dev.peregrine.flight.internal.intern.Interner;
import dev.peregrine.flight.internal.ring.Ring;
import dev.peregrine.flight.internal.ring.SlotStatus;
import dev.peregrine.flight.internal.ring.StripedCounter;
import dev.peregrine.flight.internal.ring.WallClock;
import dev.peregrine.flight.internal.sink.ConsoleSink;
import dev.peregrine.flight.internal.sink.HttpForwardSink;
import dev.peregrine.flight.internal.sink.RollingNdjsonSink;
import dev.peregrine.flight.internal.sink.Sink;
import dev.peregrine.flight.internal.sink.SinkTailer;
import dev.peregrine.flight.internal.trigger.ErrorSnapshotter;
import dev.peregrine.flight.internal.trigger.ProcessTriggers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The flight recorder: keeps the most recent events of a process in a preallocated, lock-free ring
 * and writes them to a snapshot file on demand or when something goes wrong.
 *
 * <pre>{@code
 * FlightRecorder recorder = FlightRecorder.builder()
 *         .service("orders")
 *         .capacity(1 << 16)
 *         .snapshotDirectory(Path.of("/var/tmp/flight"))
 *         .level("com.acme.db", Level.DEBUG)
 *         .snapshotOnSigterm(true)
 *         .build();
 * FlightLogger log = recorder.logger("orders");
 * log.atInfo("order {} filled qty={} px={}").arg(42L).arg(3).arg(101.25).log();
 * Path file = recorder.snapshot("on-demand");
 * }</pre>
 *
 * <p>Accounting is exact: {@code offered = recorded + filtered} and {@code recorded = retained +
 * overwritten + inFlight} (see {@link FlightMetrics}).
 *
 * <p>Thread-safety: every method may be called from any thread. Logging never blocks, locks or
 * allocates; snapshots run one at a time and never stop producers.
 */
public final class FlightRecorder implements AutoCloseable {
    /** Interned id 0: stands for any string turned away by a full intern table. */
    static final String OVERFLOW_STRING = "<intern table full>";
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    final Ring ring;
    final Interner interner;
    final WallClock clock = new WallClock();
    final StripedCounter filtered = new StripedCounter();
    private final ThreadLocal<EventBuilder> builders = ThreadLocal.withInitial(() -> new EventBuilder(this));
    private final ConcurrentHashMap<String, FlightLogger> loggers = new ConcurrentHashMap<>();
    private volatile LevelFilter levels;
    private final String service;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private final Path snapshotDirectory;
    private final SinkTailer tailer;
    private final HttpForwardSink http;
    private final ErrorSnapshotter errorSnapshotter;

    private final ReentrantLock snapshotLock = new ReentrantLock();
    private long snapshots;
    private long snapshotFailures;
    private long snapshotNanosTotal;
    private long snapshotNanosMax;
    private long snapshotNanosLast;
    private long snapshotTorn;

    private FlightRecorder(Builder b) {
        this.ring = new Ring(b.capacity, b.slotBytes);
        this.interner = new Interner(b.maxInternedStrings, b.maxInternedChars);
        this.interner.intern(OVERFLOW_STRING);
        this.levels = new LevelFilter(b.defaultLevel, b.levels);
        this.service = b.service;
        this.host = b.host.orElseGet(FlightRecorder::localHostName);
        this.snapshotDirectory = b.snapshotDirectory;
        List<Sink> sinks = new ArrayList<>();
        if (b.console) {
            sinks.add(new ConsoleSink(b.consoleStderr ? System.err : System.out, b.consoleColor.orElseGet(ConsoleSink::stdoutIsTerminal)));
        }
        b.ndjsonFile.ifPresent(file -> sinks.add(new RollingNdjsonSink(file, b.ndjsonMaxBytes, b.ndjsonMaxFiles)));
        this.http = b.httpUrl.map(url -> new HttpForwardSink(url, b.httpBatchSize, b.httpQueueCapacity, b.httpFlushInterval)).orElse(null);
        if (http != null) {
            sinks.add(http);
        }
        this.tailer = sinks.isEmpty() ? null : new SinkTailer(ring, interner, sinks);
        if (tailer != null) {
            tailer.start();
        }
        this.errorSnapshotter = b.snapshotOnError ? new ErrorSnapshotter(this::snapshotQuietly, b.snapshotOnErrorInterval.toNanos()) : null;
        if (tailer != null) {
            // Console, file and HTTP output recorded just before exit must still come out.
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("flight-sinks-drain").unstarted(() -> tailer.stop(5_000)));
        }
        if (b.snapshotOnShutdown || b.snapshotOnSigterm || b.snapshotOnUncaught) {
            ProcessTriggers.install(this::snapshotQuietly, b.snapshotOnShutdown, b.snapshotOnSigterm, b.snapshotOnUncaught,
                    this::recordUncaught);
        }
    }

    /** A builder with the documented defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The logger for {@code target}; the same instance for the same name. */
    public FlightLogger logger(String target) {
        Objects.requireNonNull(target, "target");
        FlightLogger existing = loggers.get(target);
        if (existing != null) {
            return existing;
        }
        return loggers.computeIfAbsent(target, t -> new FlightLogger(this, t, levels.levelFor(t)));
    }

    /** Sets the level of a target prefix ({@code ""} or {@code "ROOT"} for the default) and applies it to existing loggers. */
    public synchronized void setLevel(String prefix, Level level) {
        LevelFilter updated = levels.with(prefix, level);
        levels = updated;
        loggers.forEach((target, logger) -> logger.setThreshold(updated.levelFor(target)));
    }

    /** The level that applies to {@code target}. */
    public Level levelFor(String target) {
        return levels.levelFor(target);
    }

    /** The service name written into snapshots. */
    public String service() {
        return service;
    }

    /** The directory {@link #snapshot(String)} writes into. */
    public Path snapshotDirectory() {
        return snapshotDirectory;
    }

    EventBuilder threadBuilder() {
        EventBuilder b = builders.get();
        // Re-entrant logging from a toString() inside arg(Object): the thread's builder is busy, use a fresh one.
        return b.converting ? new EventBuilder(this) : b;
    }

    int internOrOverflow(String s) {
        int id = interner.intern(s);
        return id < 0 ? 0 : id;
    }

    void afterError() {
        if (errorSnapshotter != null) {
            errorSnapshotter.onError();
        }
    }

    private void recordUncaught(Thread thread, Throwable error) {
        logger("uncaught").atError("uncaught exception in thread {}").arg(thread.getName()).arg(error).log();
    }

    /**
     * Writes a snapshot of the ring into the snapshot directory; the file name holds the service, time,
     * pid and reason. Producers keep logging while it runs.
     *
     * @param reason why (letters, digits, {@code - _ .}; other characters become {@code _} in the file name)
     * @return the file written
     */
    public Path snapshot(String reason) throws IOException {
        Files.createDirectories(snapshotDirectory);
        long created = clock.nanos();
        String name = "flight-" + safe(service) + "-" + FILE_TIME.format(java.time.Instant.ofEpochSecond(0, created))
                + "-" + pid + "-" + safe(reason);
        snapshotLock.lock();
        try {
            Path file = snapshotDirectory.resolve(name + (snapshots == 0 ? "" : "-" + snapshots) + ".pgfl");
            return snapshotTo(file, reason, created);
        } finally {
            snapshotLock.unlock();
        }
    }

    /** Writes a snapshot of the ring to {@code file} (atomically: temp file, fsync, rename). */
    public Path snapshotTo(Path file, String reason) throws IOException {
        return snapshotTo(file, reason, clock.nanos());
    }

    private Path snapshotTo(Path file, String reason, long created) throws IOException {
        snapshotLock.lock();
        long start = System.nanoTime();
        try {
            SnapshotWriter.Result result = new SnapshotWriter(ring, interner)
                    .write(file, new SnapshotWriter.Metadata(service, host, pid, reason, created, filtered.sum()));
            long took = System.nanoTime() - start;
            snapshots++;
            snapshotNanosTotal += took;
            snapshotNanosLast = took;
            snapshotNanosMax = Math.max(snapshotNanosMax, took);
            snapshotTorn += result.overwrittenDuringCopy();
            return result.file();
        } catch (IOException | RuntimeException e) {
            snapshotFailures++;
            throw e;
        } finally {
            snapshotLock.unlock();
        }
    }

    private void snapshotQuietly(String reason) {
        try {
            Path file = snapshot(reason);
            System.err.println("flight: wrote snapshot " + file + " (" + reason + ")");
        } catch (IOException | RuntimeException e) {
            System.err.println("flight: snapshot (" + reason + ") failed: " + e);
        }
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * The newest events in the ring after {@code afterSequence}, oldest first, at most {@code max}:
     * what a live viewer (the web console's server log) polls, passing the last sequence it showed.
     * Copies slot by slot like a snapshot, without a file; producers keep logging, and a slot
     * overwritten or still being written while it is read is left out.
     *
     * @param afterSequence the sequence of the last event already seen, -1 for none
     * @param max most events to return, at least 1
     */
    public List<FlightEvent> recent(long afterSequence, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        long end = ring.claimed();
        long start = Math.max(Math.max(0, end - ring.capacity()), Math.max(afterSequence + 1, end - max));
        byte[] slot = new byte[ring.slotBytes()];
        SlotDecoder decoder = new SlotDecoder(interner);
        List<FlightEvent> events = new ArrayList<>((int) Math.max(0, end - start));
        for (long sequence = start; sequence < end; sequence++) {
            if (ring.read(sequence, slot) == SlotStatus.PRESENT) {
                events.add(decoder.decode(sequence, slot));
            }
        }
        return events;
    }

    /** Reads the counters. Scans the ring's sequence words (no copying), so it costs O(capacity). */
    public FlightMetrics metrics() {
        long holes = ring.holes();
        long end = ring.claimed();
        long retained = 0;
        long inFlight = 0;
        for (long s = Math.max(0, end - ring.capacity()); s < end; s++) {
            SlotStatus status = ring.peek(s);
            if (status == SlotStatus.PRESENT) {
                retained++;
            } else if (status == SlotStatus.IN_FLIGHT) {
                inFlight++;
            }
        }
        long recorded = end - holes;
        long overwritten = Math.max(0, recorded - retained - inFlight);
        long filteredNow = filtered.sum();
        long sn;
        long sf;
        long st;
        long sm;
        long sl;
        long torn;
        snapshotLock.lock();
        try {
            sn = snapshots;
            sf = snapshotFailures;
            st = snapshotNanosTotal;
            sm = snapshotNanosMax;
            sl = snapshotNanosLast;
            torn = snapshotTorn;
        } finally {
            snapshotLock.unlock();
        }
        return new FlightMetrics(recorded + filteredNow, recorded, filteredNow, retained, overwritten, inFlight, holes,
                ring.capacity(), (double) retained / ring.capacity(), sn, sf, st, sm, sl, torn,
                interner.size(), interner.rejected(),
                tailer == null ? 0 : tailer.delivered(), tailer == null ? 0 : tailer.missed(),
                http == null ? 0 : http.sent(), http == null ? 0 : http.dropped(), http == null ? 0 : http.failed());
    }

    /** Delivers pending events to the sinks and stops them. The ring stays readable and snapshots keep working. */
    @Override
    public void close() {
        if (tailer != null) {
            tailer.stop(10_000);
        }
    }

    private static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /**
     * Configures a {@link FlightRecorder}. Every option has a default, and {@link #apply(java.util.Properties)}
     * reads the same options from properties (see {@link FlightProperties}). Not thread-safe.
     */
    public static final class Builder {
        private int capacity = 1 << 16;
        private int slotBytes = 128;
        private String service = "app";
        private Optional<String> host = Optional.empty();
        private Path snapshotDirectory = Path.of("flight-snapshots");
        private Level defaultLevel = Level.INFO;
        private final Map<String, Level> levels = new HashMap<>();
        private int maxInternedStrings = 1 << 16;
        private long maxInternedChars = 4L << 20;
        private boolean console;
        private boolean consoleStderr;
        private Optional<Boolean> consoleColor = Optional.empty();
        private Optional<Path> ndjsonFile = Optional.empty();
        private long ndjsonMaxBytes = 64L << 20;
        private int ndjsonMaxFiles = 5;
        private Optional<URI> httpUrl = Optional.empty();
        private int httpBatchSize = 500;
        private int httpQueueCapacity = 10_000;
        private Duration httpFlushInterval = Duration.ofSeconds(1);
        private boolean snapshotOnShutdown;
        private boolean snapshotOnSigterm;
        private boolean snapshotOnUncaught;
        private boolean snapshotOnError;
        private Duration snapshotOnErrorInterval = Duration.ofMinutes(1);

        private Builder() {
        }

        /** Ring slots, a power of two (default 65536). */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /** Bytes per slot, a power of two in [64, 4096] (default 128: 80 bytes for arguments and fields). */
        public Builder slotBytes(int slotBytes) {
            this.slotBytes = slotBytes;
            return this;
        }

        /** Service name in snapshot headers and file names (default {@code app}). */
        public Builder service(String service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /** Host name in snapshot headers (default: {@code $HOSTNAME}, else the local host name). */
        public Builder host(String host) {
            this.host = Optional.of(host);
            return this;
        }

        /** Where {@link FlightRecorder#snapshot(String)} writes (default {@code ./flight-snapshots}). */
        public Builder snapshotDirectory(Path dir) {
            this.snapshotDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Threshold for targets without a more specific level (default INFO). */
        public Builder defaultLevel(Level level) {
            this.defaultLevel = Objects.requireNonNull(level, "level");
            return this;
        }

        /** Threshold for a target prefix; the longest matching prefix wins. */
        public Builder level(String prefix, Level level) {
            if (prefix.isEmpty() || prefix.equalsIgnoreCase("ROOT")) {
                return defaultLevel(level);
            }
            levels.put(prefix, Objects.requireNonNull(level, "level"));
            return this;
        }

        /** Bounds of the intern table (defaults 65536 strings, 4M characters). */
        public Builder internLimits(int maxStrings, long maxChars) {
            this.maxInternedStrings = maxStrings;
            this.maxInternedChars = maxChars;
            return this;
        }

        /** Print events on the console (default off); colour defaults to "when stdout is a terminal". */
        public Builder console(boolean enabled) {
            this.console = enabled;
            return this;
        }

        /** Console on standard error instead of standard output. */
        public Builder consoleStderr(boolean stderr) {
            this.consoleStderr = stderr;
            return this;
        }

        /** Force ANSI colours on or off. */
        public Builder consoleColor(boolean color) {
            this.consoleColor = Optional.of(color);
            return this;
        }

        /** Also append events as NDJSON to {@code file}, rolling at {@code maxBytes} and keeping {@code maxFiles} old files. */
        public Builder ndjsonFile(Path file, long maxBytes, int maxFiles) {
            this.ndjsonFile = Optional.of(file);
            this.ndjsonMaxBytes = maxBytes;
            this.ndjsonMaxFiles = maxFiles;
            return this;
        }

        /**
         * Also forward events to a Peregrine server at {@code baseUrl} (e.g. {@code http://127.0.0.1:8080}),
         * in batches (default 500 events, 1 s), through a bounded queue (default 10000) that drops when full.
         */
        public Builder httpForward(URI baseUrl, int batchSize, int queueCapacity, Duration flushInterval) {
            this.httpUrl = Optional.of(baseUrl);
            this.httpBatchSize = batchSize;
            this.httpQueueCapacity = queueCapacity;
            this.httpFlushInterval = flushInterval;
            return this;
        }

        /** Snapshot whenever the JVM shuts down (default off). */
        public Builder snapshotOnShutdown(boolean on) {
            this.snapshotOnShutdown = on;
            return this;
        }

        /** Snapshot when SIGTERM terminates the JVM, with reason {@code sigterm} (default off). */
        public Builder snapshotOnSigterm(boolean on) {
            this.snapshotOnSigterm = on;
            return this;
        }

        /** Record and snapshot uncaught exceptions (default off). */
        public Builder snapshotOnUncaughtException(boolean on) {
            this.snapshotOnUncaught = on;
            return this;
        }

        /** Snapshot after an ERROR event, at most once per {@code minInterval} (default off, 1 minute). */
        public Builder snapshotOnError(boolean on, Duration minInterval) {
            this.snapshotOnError = on;
            this.snapshotOnErrorInterval = minInterval;
            return this;
        }

        /**
         * Applies options from properties (keys in {@link FlightProperties}); unknown {@code flight.*} keys
         * are rejected so that typos do not pass silently.
         *
         * @throws IllegalArgumentException naming the key and the bad value
         */
        public Builder apply(java.util.Properties properties) {
            FlightProperties.apply(properties, this);
            return this;
        }

        /** Builds the recorder (allocating its ring) and installs the requested triggers and sinks. */
        public FlightRecorder build() {
            return new FlightRecorder(this);
        }

        Optional<Path> ndjsonFile() {
            return ndjsonFile;
        }

        long ndjsonMaxBytes() {
            return ndjsonMaxBytes;
        }

        int ndjsonMaxFiles() {
            return ndjsonMaxFiles;
        }

        Optional<URI> httpUrl() {
            return httpUrl;
        }

        int httpBatchSize() {
            return httpBatchSize;
        }

        int httpQueueCapacity() {
            return httpQueueCapacity;
        }

        Duration httpFlushInterval() {
            return httpFlushInterval;
        }

        boolean snapshotOnError() {
            return snapshotOnError;
        }

        Duration snapshotOnErrorInterval() {
            return snapshotOnErrorInterval;
        }
    }
}
