package dev.peregrine.server;

import dev.peregrine.bench.BenchFiles;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * NDJSON bulk ingest over HTTP against the embedded batch ingest of the same events into the same
 * kind of store, in one JVM and alternating rounds (issue 16: HTTP at 70% of embedded or more), for
 * {@code bench/http/ndjson-ratio}:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.peregrine.server.NdjsonRatio \
 *     PORT WORK_DIR DURABILITY EVENTS ROUNDS
 * </pre>
 *
 * <p>Each measurement starts {@code peregrine serve}'s server ({@link PeregrineServer}, open, plain
 * HTTP) on a fresh data directory, so both sides run the store with the server's options
 * and background work (the built-in projections follow the log on both). A warm-up load of a fifth
 * of the events goes first, the same way as the measured one; then:
 * <ul>
 *   <li><b>http</b>: one {@code POST /api/v1/events/batch} of the NDJSON file by {@code curl
 *       --data-binary}, timed by curl ({@code time_total});</li>
 *   <li><b>embedded</b>: the same events, built as {@link NewEvent}s before the clock starts, appended
 *       through {@link EventStore#append(List)} in chunks of the server's NDJSON chunk size
 *       ({@link ServerLimits#DEFAULT_NDJSON_CHUNK_EVENTS}), each chunk an atomic batch as the server
 *       makes it.</li>
 *   <li><b>embedded, no built-in projections</b>: the same appends into a store opened directly with
 *       the same durability and no built-in projections, as {@code IngestBenchmark} opens one (the
 *       issue's "embedded batch ingest" figure), so nothing else competes for the cores.</li>
 * </ul>
 * The events are {@code bench/http/run}'s: type {@code benchmark.event}, 100 entities, a payload of
 * an index and a short string. Progress goes to stderr; the Markdown rows to stdout.
 */
public final class NdjsonRatio {

    private static final int CHUNK = ServerLimits.DEFAULT_NDJSON_CHUNK_EVENTS;

    private final int port;
    private final Path work;
    private final String durability;
    private final int events;

    private NdjsonRatio(int port, Path work, String durability, int events) {
        this.port = port;
        this.work = work;
        this.durability = durability;
        this.events = events;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: NdjsonRatio PORT WORK_DIR DURABILITY EVENTS ROUNDS");
            System.exit(2);
        }
        NdjsonRatio ratio = new NdjsonRatio(Integer.parseInt(args[0]), Path.of(args[1]), args[2],
                Integer.parseInt(args[3]));
        ratio.run(Integer.parseInt(args[4]));
    }

    private void run(int rounds) throws Exception {
        Path warmUp = work.resolve("warm-up.ndjson");
        Path measured = work.resolve("measured.ndjson");
        writeNdjson(warmUp, 0, events / 5);
        writeNdjson(measured, events / 5, events);
        System.out.println("| durability | round | http (events/s) | embedded, server's store (events/s) "
                + "| http / embedded | embedded, no built-in projections (events/s) | http / that |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int round = 1; round <= rounds; round++) {
            double http;
            double embedded;
            double bare;
            if (round % 2 == 1) {
                http = http(warmUp, measured);
                embedded = embedded();
                bare = bare();
            } else {
                bare = bare();
                embedded = embedded();
                http = http(warmUp, measured);
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.3f | %.0f | %.3f |%n", durability, round, http,
                    embedded, http / embedded, bare, http / bare);
            log("round %d of %d: http %.0f events/s, embedded %.0f, embedded without projections %.0f", round, rounds,
                    http, embedded, bare);
        }
    }

    /** {@code bench/http/run}'s event {@code i}, as one NDJSON line. */
    private static String line(int i) {
        return "{\"event_type\":\"benchmark.event\",\"entity_id\":\"entity-" + (i % 100)
                + "\",\"payload\":{\"index\":" + i + ",\"data\":\"payload\"}}\n";
    }

    /** The same event, as the embedded side appends it. */
    private static NewEvent event(EventStore store, int i) {
        return NewEvent.builder().eventType("benchmark.event").entityId("entity-" + (i % 100))
                .payload(RecordBuilder.create(store.dictionary()).put("index", (long) i).put("data", "payload").build())
                .build();
    }

    private static void writeNdjson(Path file, int from, int to) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = from; i < to; i++) {
                out.write(line(i));
            }
        }
    }

    /** The data directory every measurement starts from, emptied. */
    private Path freshData() throws IOException {
        Path data = work.resolve("data");
        BenchFiles.deleteTree(data);
        return data;
    }

    private PeregrineServer start() throws IOException {
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(port)
                .dataDirectory(freshData()).durability(durability).build();
        return PeregrineServer.start(config);
    }

    private double http(Path warmUp, Path measured) throws Exception {
        try (PeregrineServer server = start()) {
            post(warmUp, events / 5);
            double seconds = post(measured, events - events / 5);
            return (events - events / 5) / seconds;
        }
    }

    /** Posts the file with curl and returns curl's {@code time_total}, after checking every event was ingested. */
    private double post(Path file, int expected) throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "--fail-with-body", "-H", "Content-Type: application/x-ndjson",
                "-H", "Expect:", "--data-binary", "@" + file, "-w", "\n%{time_total}",
                "http://127.0.0.1:" + port + "/api/v1/events/batch").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (curl.waitFor() != 0 || !out.contains("\"ingested\":" + expected)) {
            throw new IllegalStateException("the NDJSON load did not ingest " + expected + " events: " + out);
        }
        return Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1).trim());
    }

    /** Into the server's own store: its options, its projections and its other followers running. */
    private double embedded() throws Exception {
        try (PeregrineServer server = start()) {
            return timedLoad(server.store());
        }
    }

    /** Into a store of its own as {@code IngestBenchmark} opens one: no built-in projections. */
    private double bare() throws Exception {
        StoreOptions options = StoreOptions.builder().durability(Durability.parse(durability))
                .maxBatchEvents(CHUNK).builtInProjections(false).build();
        try (EventStore store = EventStore.open(freshData(), options)) {
            return timedLoad(store);
        }
    }

    private double timedLoad(EventStore store) {
        append(store, chunks(store, 0, events / 5));
        List<List<NewEvent>> chunks = chunks(store, events / 5, events);
        long started = System.nanoTime();
        append(store, chunks);
        double seconds = (System.nanoTime() - started) / 1e9;
        long stored = store.stats().totalEvents();
        if (stored != events) {
            throw new IllegalStateException("the embedded store holds " + stored + " events, not " + events);
        }
        return (events - events / 5) / seconds;
    }

    private static List<List<NewEvent>> chunks(EventStore store, int from, int to) {
        List<List<NewEvent>> chunks = new ArrayList<>();
        for (int start = from; start < to; start += CHUNK) {
            List<NewEvent> chunk = new ArrayList<>(CHUNK);
            for (int i = start; i < Math.min(to, start + CHUNK); i++) {
                chunk.add(event(store, i));
            }
            chunks.add(chunk);
        }
        return chunks;
    }

    private static void append(EventStore store, List<List<NewEvent>> chunks) {
        for (List<NewEvent> chunk : chunks) {
            store.append(chunk);
        }
    }

    private static void log(String format, Object... args) {
        System.err.println("bench/http/ndjson-ratio: " + String.format(Locale.ROOT, format, args));
    }
}
