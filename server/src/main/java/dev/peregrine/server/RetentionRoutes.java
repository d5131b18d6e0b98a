package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.store.StoreStats;
import dev.peregrine.store.retention.RetentionRule;
import dev.peregrine.store.retention.ScavengeStatus;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Retention rules and the scavenge over HTTP.
 *
 * <ul>
 *   <li>{@code GET /api/v1/retention/rules}: the rules in force.</li>
 *   <li>{@code PUT /api/v1/retention/rules/{name}}: adds or replaces a rule; body
 *       {@code {"event_type", "entity_id_prefix", "tenant_id", "max_age", "max_count"}}, every field
 *       optional but at least one of {@code max_age} (a duration: {@code "30d"}, {@code "12h"},
 *       {@code "15m"}, {@code "10s"}, {@code "500ms"} or ISO-8601 {@code "PT1H"}) and {@code max_count}
 *       (an integer, at least 1).</li>
 *   <li>{@code DELETE /api/v1/retention/rules/{name}}: removes a rule (404 if there is none).</li>
 *   <li>{@code POST /api/v1/compaction/trigger}: starts a scavenge (AllSource's compaction route);
 *       optional body {@code {"max_bytes_per_second": n}}; 202 with its status.</li>
 *   <li>{@code GET /api/v1/compaction/stats}: the running or last scavenge, and the log's size.</li>
 *   <li>{@code POST /api/v1/compaction/stop}: asks a running scavenge to stop.</li>
 * </ul>
 * Rules are store-wide: changing them, and starting or stopping a scavenge, is an administrator's
 * ({@link dev.peregrine.server.auth.AccessPolicy}); reading them needs a key of no tenant.
 */
final class RetentionRoutes {

    private RetentionRoutes() {
    }

    static void register(Router router) {
        router.add("GET", "/api/v1/retention/rules", RetentionRoutes::list);
        router.add("PUT", "/api/v1/retention/rules/{name}", RetentionRoutes::put);
        router.add("DELETE", "/api/v1/retention/rules/{name}", RetentionRoutes::remove);
        router.add("POST", "/api/v1/compaction/trigger", RetentionRoutes::trigger);
        router.add("GET", "/api/v1/compaction/stats", RetentionRoutes::stats);
        router.add("POST", "/api/v1/compaction/stop", RetentionRoutes::stop);
    }

    private static void list(Exchange exchange) {
        List<RetentionRule> rules = exchange.services().store().retention().rules();
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("rules");
            for (RetentionRule r : rules) {
                rule(r, g);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void put(Exchange exchange) {
        Services services = exchange.services();
        String name = exchange.pathParameter("name");
        BodyReader.readThen(exchange, body -> {
            RetentionRule rule = parse(services, name, body);
            // The rules file is forced before the call returns: off the event loop.
            exchange.answerWhenDone(services.offloop(() -> {
                services.store().retention().putRule(rule);
                return rule;
            }), r -> services.json().render(g -> rule(r, g)));
        });
    }

    private static void remove(Exchange exchange) {
        Services services = exchange.services();
        String name = exchange.pathParameter("name");
        exchange.answerWhenDone(services.offloop(() -> services.store().retention().removeRule(name)),
                removed -> removed ? 200 : 404, removed -> services.json().render(g -> {
                    g.writeStartObject();
                    if (removed) {
                        g.writeStringField("deleted", name);
                    } else {
                        g.writeStringField("error", "no retention rule named '" + name + "'");
                    }
                    g.writeEndObject();
                }));
    }

    private static void trigger(Exchange exchange) {
        Services services = exchange.services();
        BodyReader.readThen(exchange, body -> {
            long rate = body.length == 0 ? 0 : rateOf(services, body);
            ScavengeStatus status = services.store().retention().startScavenge(rate);
            exchange.json(202, g -> status(status, services, g));
        });
    }

    private static void stats(Exchange exchange) {
        Services services = exchange.services();
        ScavengeStatus status = services.store().retention().scavengeStatus();
        exchange.json(200, g -> status(status, services, g));
    }

    private static void stop(Exchange exchange) {
        Services services = exchange.services();
        ScavengeStatus status = services.store().retention().stopScavenge();
        exchange.json(200, g -> status(status, services, g));
    }

    private static void status(ScavengeStatus s, Services services, JsonGenerator g) throws IOException {
        StoreStats stats = services.store().stats();
        g.writeStartObject();
        g.writeStringField("state", s.state().name().toLowerCase(Locale.ROOT));
        if (s.startedAt().isPresent()) {
            g.writeStringField("started", Timestamps.format(s.startedAt().get()));
        }
        if (s.endedAt().isPresent()) {
            g.writeStringField("ended", Timestamps.format(s.endedAt().get()));
        }
        g.writeNumberField("segments_total", s.segmentsTotal());
        g.writeNumberField("segments_done", s.segmentsDone());
        g.writeNumberField("segments_rewritten", s.segmentsRewritten());
        g.writeNumberField("events_removed", s.eventsRemoved());
        g.writeNumberField("bytes_reclaimed", s.bytesReclaimed());
        g.writeNumberField("max_bytes_per_second", s.maxBytesPerSecond());
        if (s.error().isPresent()) {
            g.writeStringField("error", s.error().get());
        }
        g.writeNumberField("rules", services.store().retention().rules().size());
        g.writeNumberField("segment_count", stats.segments());
        g.writeNumberField("log_bytes_used", stats.logBytesUsed());
        g.writeEndObject();
    }

    private static void rule(RetentionRule r, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", r.name());
        if (r.eventType().isPresent()) {
            g.writeStringField("event_type", r.eventType().get());
        }
        if (r.entityIdPrefix().isPresent()) {
            g.writeStringField("entity_id_prefix", r.entityIdPrefix().get());
        }
        if (r.tenantId().isPresent()) {
            g.writeStringField("tenant_id", r.tenantId().get());
        }
        if (r.maxAge().isPresent()) {
            g.writeStringField("max_age", r.maxAge().get().toString());
            g.writeNumberField("max_age_ms", r.maxAge().get().toMillis());
        }
        if (r.maxCount().isPresent()) {
            g.writeNumberField("max_count", r.maxCount().getAsLong());
        }
        g.writeEndObject();
    }

    /** Parses a rule body; every problem is a 400 naming the field. */
    static RetentionRule parse(Services services, String name, byte[] body) throws IOException {
        RetentionRule.Builder b = RetentionRule.builder(name);
        try (JsonParser parser = services.json().parser(body, 0, body.length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the request body must be a JSON object with max_age and/or max_count");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (field) {
                    case "event_type" -> b.eventType(string(parser, token, field));
                    case "entity_id_prefix" -> b.entityIdPrefix(string(parser, token, field));
                    case "tenant_id" -> b.tenantId(string(parser, token, field));
                    case "max_age" -> b.maxAge(RetentionRule.parseAge(string(parser, token, field)));
                    case "max_count" -> {
                        if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                                && parser.getNumberType() != JsonParser.NumberType.LONG) {
                            throw ApiException.badRequest("'max_count' must be an integer, got "
                                    + EventRequestParser.describe(token));
                        }
                        b.maxCount(parser.getLongValue());
                    }
                    case "name" -> {
                        if (!name.equals(string(parser, token, field))) {
                            throw ApiException.badRequest("'name' must be the name in the path, '" + name + "'");
                        }
                    }
                    default -> throw ApiException.badRequest("unknown field '" + field + "'; a rule has event_type,"
                            + " entity_id_prefix, tenant_id, max_age and max_count");
                }
            }
            if (parser.nextToken() != null) {
                throw ApiException.badRequest("unexpected content after the JSON document");
            }
        }
        return b.build();
    }

    private static String string(JsonParser parser, JsonToken token, String field) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw ApiException.badRequest("'" + field + "' must be a string, got " + EventRequestParser.describe(token));
        }
        return parser.getText();
    }

    private static long rateOf(Services services, byte[] body) throws IOException {
        try (JsonParser parser = services.json().parser(body, 0, body.length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the request body must be a JSON object {\"max_bytes_per_second\": n}");
            }
            long rate = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (!field.equals("max_bytes_per_second")) {
                    throw ApiException.badRequest("unknown field '" + field + "'; the body may hold max_bytes_per_second");
                }
                if (!Json.isNonNegativeLong(parser, token)) {
                    throw ApiException.badRequest("'max_bytes_per_second' must be an integer >= 0 (0: no throttle)");
                }
                rate = parser.getLongValue();
            }
            if (parser.nextToken() != null) {
                throw ApiException.badRequest("unexpected content after the JSON document");
            }
            return rate;
        }
    }
}
