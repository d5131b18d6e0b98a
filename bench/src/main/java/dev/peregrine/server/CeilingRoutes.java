package dev.peregrine.server;

import dev.peregrine.store.AppendResult;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ceiling handlers for the HTTP benchmarks (issue 16): what the server could answer if storing and
 * querying cost nothing. They live in the benchmark build only, in the server's package so that they
 * run through the same router, dispatcher, body reader, parser and response path as the product's
 * routes (see {@code PeregrineServer.start(ServerConfig, Consumer)}).
 *
 * <ul>
 *   <li>{@code POST /bench/ceiling/events}: everything {@code POST /api/v1/events} does before the
 *       store (content type, body, parsing and validating the event, the tenant scope), then a fixed
 *       acknowledgement rendered as the real one is, without storing.</li>
 *   <li>{@code GET /bench/ceiling/query?…}: the bytes {@code GET /api/v1/events/query?…} returned for
 *       the same query string, from memory (rendered once by the real route's writer, then copied
 *       into each response as the real route copies its rendering).</li>
 * </ul>
 */
final class CeilingRoutes {

    private static final AppendResult FIXED = new AppendResult(
            UUID.fromString("0190f3a2-7c1e-7d41-9a55-3f0e2b7c9d10"), 1, 1, Instant.parse("2026-12-02T00:00:00Z"));

    private final Map<String, Buffer> pages = new ConcurrentHashMap<>();

    private CeilingRoutes() {
    }

    /** Adds both ceiling routes to {@code router}. */
    static void register(Router router) {
        CeilingRoutes routes = new CeilingRoutes();
        router.add("POST", "/bench/ceiling/events", CeilingRoutes::ingest);
        router.add("GET", "/bench/ceiling/query", routes::query);
    }

    private static void ingest(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        BodyReader.readThen(exchange, body -> {
            exchange.scope().admit(services.parser().single(body, 0, body.length)); // parsed and validated, not stored
            exchange.json(200, services.json().render(g -> EventJsonWriter.appended(FIXED, g)));
        });
    }

    private void query(Exchange exchange) {
        String key = exchange.request().query();
        Buffer page = pages.computeIfAbsent(key == null ? "" : key, k -> {
            TenantScope scope = exchange.scope();
            EventRoutes.QueryRequest request = EventRoutes.QueryRequest.parse(
                    QueryParameters.of(exchange.request()), exchange.services().limits(), scope);
            return EventJsonWriter.page(exchange.services().store(), request.query(), scope);
        });
        exchange.json(200, page.copy());
    }
}
