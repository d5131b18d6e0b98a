package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.server.console.ConsoleAssets;
import dev.peregrine.server.console.MetricsHistory;
import dev.peregrine.server.console.ServerInfo;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoredEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The web console ({@code GET /} and {@code GET /console/}, assets under
 * {@code /console/assets/<version>/<name>}) and the small JSON endpoints it reads besides the public
 * API, each useful on its own: {@code GET /api/v1/server}, {@code GET /api/v1/metrics/history} and
 * {@code GET /api/v1/entities?contains=}. The console's code lives in
 * {@link dev.peregrine.server.console}; this class only wires it to the router.
 */
final class ConsoleRoutes {
    /**
     * The console runs only its own scripts and styles and talks only to this server: no inline
     * script, no CDN, no framing by other sites. {@code img-src data:} is for the SVG favicon's
     * fallbacks; uPlot draws on a canvas and sets styles through the DOM, which CSP allows.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** The index names the current asset version: browsers must revalidate it on every load. */
    private static final String REVALIDATE = "no-cache";
    /** How many of the newest events an entity search reads at most when the id itself is not given. */
    static final int ENTITY_SCAN_EVENTS = 10_000;
    private static final int DEFAULT_ENTITY_MATCHES = 50;
    private static final int MAX_ENTITY_MATCHES = 500;

    /** What the console routes serve: built once at startup. */
    record Console(ConsoleAssets assets, MetricsHistory history, ServerInfo info) {
    }

    private ConsoleRoutes() {
    }

    static void register(Router router, Console console) {
        router.add("GET", "/", exchange -> index(exchange, console.assets()));
        router.add("GET", "/console", exchange -> index(exchange, console.assets()));
        router.add("GET", "/console/assets/{version}/{name}", exchange -> asset(exchange, console.assets()));
        router.add("GET", "/api/v1/server", exchange -> server(exchange, console.info()));
        router.add("GET", "/api/v1/metrics/history", exchange -> history(exchange, console.history()));
        router.add("GET", "/api/v1/entities", ConsoleRoutes::searchEntities);
    }

    private static void index(Exchange exchange, ConsoleAssets assets) {
        send(exchange, assets.index(), REVALIDATE);
    }

    private static void asset(Exchange exchange, ConsoleAssets assets) {
        String name = exchange.pathParameter("name");
        ConsoleAssets.Asset asset = assets.asset(exchange.pathParameter("version"), name)
                .orElseThrow(() -> ApiException.notFound("no console asset '" + name + "' in this version of the"
                        + " console; reload the page"));
        send(exchange, asset, IMMUTABLE);
    }

    private static void send(Exchange exchange, ConsoleAssets.Asset asset, String cacheControl) {
        HttpServerResponse response = exchange.request().response();
        response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
                .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
                .putHeader(HttpHeaders.ETAG, asset.etag())
                .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING)
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cross-Origin-Opener-Policy", "same-origin")
                .putHeader("X-Frame-Options", "DENY");
        if (asset.etag().equals(exchange.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            exchange.streaming(304);
            response.setStatusCode(304).end();
            return;
        }
        byte[] body = asset.bytes();
        if (asset.gzip().isPresent() && acceptsGzip(exchange.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
            body = asset.gzip().get();
            response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        exchange.streaming(200);
        response.setStatusCode(200).end(Buffer.buffer(body));
    }

    /** Whether an {@code Accept-Encoding} header allows gzip (named, with no {@code q=0}). */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.trim().split(";");
            String coding = pieces[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < pieces.length; i++) {
                String parameter = pieces[i].trim().replace(" ", "");
                refused |= parameter.matches("q=0(\\.0{0,3})?");
            }
            return !refused;
        }
        return false;
    }

    private static void server(Exchange exchange, ServerInfo info) {
        Instant now = Instant.now();
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("version", info.version());
            g.writeStringField("data_directory", info.dataDirectory());
            g.writeStringField("durability", info.durability());
            g.writeStringField("host", info.host());
            g.writeStringField("authentication", info.authentication());
            g.writeStringField("started_at", Timestamps.format(info.startedAt()));
            g.writeNumberField("uptime_seconds", Duration.between(info.startedAt(), now).toSeconds());
            g.writeArrayFieldStart("warnings");
            for (String warning : info.warnings()) {
                g.writeString(warning);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code ?after_ms=T}: only the samples taken after T (epoch milliseconds), for polling. */
    private static void history(Exchange exchange, MetricsHistory history) {
        long after = QueryParameters.of(exchange.request()).integer("after_ms", 0, Long.MAX_VALUE).orElse(0);
        MetricsHistory.Series series = history.since(after);
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("interval_ms", MetricsHistory.INTERVAL_MILLIS);
            g.writeNumberField("capacity", MetricsHistory.CAPACITY);
            g.writeFieldName("time_ms");
            g.writeArray(series.timesMillis(), 0, series.timesMillis().length);
            for (MetricsHistory.Column column : MetricsHistory.Column.values()) {
                g.writeArrayFieldStart(column.jsonName());
                for (double value : series.values()[column.ordinal()]) {
                    // Counts as integers (3, not 3.0): exact below 2^53, which any count here is.
                    if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
                        g.writeNumber((long) value);
                    } else {
                        g.writeNumber(value);
                    }
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    /**
     * Entity ids containing a text (case-insensitively), found by a bounded scan of the newest
     * {@value #ENTITY_SCAN_EVENTS} events (fewer when {@code --max-query-limit} is lower), plus the exact id when it names an entity outside that
     * window. The store has no index over entity ids as text; the answer says whether the scan
     * covered the whole log ({@code "complete"}), so a caller knows when "not found" is final.
     * Runs on a worker: it reads up to ten thousand event headers.
     */
    private static void searchEntities(Exchange exchange) {
        Services services = exchange.services();
        QueryParameters parameters = QueryParameters.of(exchange.request());
        String contains = parameters.string("contains").orElse("");
        int limit = (int) parameters.integer("limit", 1, MAX_ENTITY_MATCHES).orElse(DEFAULT_ENTITY_MATCHES);
        exchange.answerWhenDone(services.offloop(() -> {
            EntitySearch search = EntitySearch.run(services, contains, limit);
            return services.json().render(g -> search.write(g));
        }), buffer -> buffer);
    }

    /** One entity a search found, with its current stream version. */
    private record EntityMatch(String entityId, long version) {
    }

    /** The matches of one entity search, newest activity first, prefix matches before the others. */
    private record EntitySearch(List<EntityMatch> matches, long scanned, boolean complete) {

        static EntitySearch run(Services services, String contains, int limit) {
            int window = Math.min(ENTITY_SCAN_EVENTS, services.limits().maxQueryLimit());
            long from = Math.max(1, services.store().lastPosition() - window + 1);
            QueryPage page = services.store().query(Query.builder().fromPosition(from).limit(window).build());
            String needle = contains.toLowerCase(Locale.ROOT);
            Map<String, EntityMatch> found = new LinkedHashMap<>();
            List<StoredEvent> events = page.events();
            for (int i = events.size() - 1; i >= 0; i--) {
                StoredEvent event = events.get(i);
                String id = event.entityId();
                if (!found.containsKey(id) && id.toLowerCase(Locale.ROOT).contains(needle)) {
                    found.put(id, new EntityMatch(id, event.version()));
                }
            }
            if (!contains.isEmpty() && !found.containsKey(contains)) {
                long version = services.store().streamVersion(contains);
                if (version > 0) {
                    found.put(contains, new EntityMatch(contains, version));
                }
            }
            List<EntityMatch> ordered = new ArrayList<>(found.values());
            // A stable sort: within each group the newest activity stays first.
            ordered.sort(Comparator.comparing(match -> !match.entityId().toLowerCase(Locale.ROOT).startsWith(needle)));
            return new EntitySearch(ordered.subList(0, Math.min(limit, ordered.size())), events.size(), from == 1);
        }

        void write(JsonGenerator g) throws IOException {
            g.writeStartObject();
            g.writeArrayFieldStart("entities");
            for (EntityMatch match : matches) {
                g.writeStartObject();
                g.writeStringField("entity_id", match.entityId());
                g.writeNumberField("version", match.version());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("count", matches.size());
            g.writeNumberField("scanned_events", scanned);
            g.writeBooleanField("complete", complete);
            g.writeEndObject();
        }
    }
}
