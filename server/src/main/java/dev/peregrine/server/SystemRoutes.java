package dev.peregrine.server;

import io.vertx.core.http.HttpHeaders;
import java.util.List;

/** {@code GET /health} and {@code GET /metrics}: cheap, no store I/O, answered on the event loop. */
final class SystemRoutes {
    private SystemRoutes() {
    }

    static void register(Router router) {
        router.add("GET", "/health", SystemRoutes::health);
        router.add("GET", "/metrics", SystemRoutes::metrics);
    }

    private static void health(Exchange exchange) {
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("status", "healthy");
            g.writeStringField("service", "peregrine");
            g.writeStringField("version", exchange.services().version());
            List<String> warnings = exchange.services().security().warnings();
            if (!warnings.isEmpty()) {
                g.writeArrayFieldStart("warnings");
                for (String warning : warnings) {
                    g.writeString(warning);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    private static void metrics(Exchange exchange) {
        ServerMetrics metrics = exchange.services().metrics();
        exchange.request().response().putHeader(HttpHeaders.CONTENT_TYPE, metrics.contentType());
        exchange.streaming(200);
        exchange.request().response().end(metrics.scrape());
    }
}
