package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.record.Record;
import dev.peregrine.server.tenant.TenantUsage;
import dev.peregrine.server.tenant.Tenants;
import dev.peregrine.store.Projection;
import dev.peregrine.store.Snapshot;
import dev.peregrine.store.StoreStats;
import java.io.IOException;
import java.util.Optional;

/**
 * Store-level reads and operations: {@code GET /api/v1/stats}, snapshots
 * ({@code POST /api/v1/snapshots}, {@code GET /api/v1/snapshots/{entity_id}/latest}) and projections
 * ({@code GET /api/v1/projections}, {@code GET /api/v1/projections/{name}/{entity_id}}).
 */
final class AdminRoutes {
    private AdminRoutes() {
    }

    static void register(Router router) {
        router.add("GET", "/api/v1/stats", AdminRoutes::stats);
        router.add("POST", "/api/v1/snapshots", AdminRoutes::createSnapshot);
        router.add("GET", "/api/v1/snapshots/{entity_id}/latest", AdminRoutes::latestSnapshot);
        router.add("GET", "/api/v1/projections", AdminRoutes::projections);
        router.add("GET", "/api/v1/projections/{name}/{entity_id}", AdminRoutes::projectionState);
    }

    /**
     * Counters kept by the store: cheap, answered on the event loop. A tenant-bound credential gets
     * its tenant's own counts instead (what the tenant quotas count; see docs/security.md).
     */
    private static void stats(Exchange exchange) {
        Services services = exchange.services();
        String tenant = exchange.principal().tenant();
        if (tenant != null) {
            TenantUsage.Held held = services.security().tenants().usage().held(tenant);
            Tenants.Quotas quotas = services.security().tenants().quotas(tenant);
            exchange.json(200, g -> {
                g.writeStartObject();
                g.writeStringField("tenant_id", tenant);
                g.writeNumberField("total_events", held.events());
                g.writeNumberField("total_entities", held.entities());
                g.writeNumberField("bytes_stored", held.bytes());
                g.writeNumberField("field_names", held.fieldNames());
                g.writeNumberField("max_bytes", quotas.maxBytes());
                g.writeNumberField("max_entities", quotas.maxEntities());
                g.writeNumberField("max_field_names", quotas.maxFieldNames());
                g.writeEndObject();
            });
            return;
        }
        StoreStats stats = services.store().stats();
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("total_events", stats.totalEvents());
            g.writeNumberField("total_entities", stats.totalEntities());
            g.writeNumberField("total_event_types", stats.totalEventTypes());
            g.writeNumberField("total_ingested", stats.ingestedSinceStart());
            g.writeNumberField("bytes_on_disk", stats.bytesOnDisk());
            g.writeNumberField("segments", stats.segments());
            g.writeNumberField("last_position", stats.lastPosition());
            g.writeNumberField("field_names", stats.fieldNames());
            g.writeNumberField("subscribers", services.metrics().subscribers().get());
            g.writeEndObject();
        });
    }

    /** Body {@code {"entity_id": "…"}}: snapshots the entity's current state. */
    private static void createSnapshot(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        BodyReader.readThen(exchange, body -> {
            String entityId = exchange.scope().storedEntityId(entityIdOf(services, body));
            exchange.answerWhenDone(services.offloop(() -> services.store().createSnapshot(entityId)),
                    snapshot -> services.json().render(g -> snapshot(snapshot, exchange.scope(), g)));
        });
    }

    private static String entityIdOf(Services services, byte[] body) throws IOException {
        return stringField(services, body, "entity_id", true);
    }

    /**
     * Reads a JSON object body with one string field that matters ({@code field}; others are skipped).
     *
     * @return the field's value, or {@code null} when it is absent and not {@code required}
     */
    static String stringField(Services services, byte[] body, String field, boolean required) throws IOException {
        try (JsonParser parser = services.json().parser(body, 0, body.length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the request body must be a JSON object {\"" + field + "\": \"…\"}");
            }
            String value = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals(name)) {
                    if (token != JsonToken.VALUE_STRING || parser.getText().isEmpty()) {
                        throw ApiException.badRequest("'" + field + "' must be a non-empty string, got "
                                + EventRequestParser.describe(token));
                    }
                    value = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw ApiException.badRequest("unexpected content after the JSON document");
            }
            if (value == null && required) {
                throw ApiException.badRequest("missing field '" + field + "'");
            }
            return value;
        }
    }

    private static void latestSnapshot(Exchange exchange) {
        String entityId = exchange.pathParameter("entity_id");
        TenantScope scope = exchange.scope();
        Snapshot snapshot = exchange.services().store().latestSnapshot(scope.storedEntityId(entityId))
                .orElseThrow(() -> ApiException.notFound("entity '" + entityId + "' has no snapshot"));
        exchange.json(200, g -> snapshot(snapshot, scope, g));
    }

    private static void snapshot(Snapshot snapshot, TenantScope scope, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("entity_id", scope.shownEntityId(snapshot.entityId()));
        g.writeFieldName("state");
        EventJsonWriter.record(snapshot.state(), g);
        g.writeNumberField("version", snapshot.version());
        g.writeNumberField("position", snapshot.position());
        g.writeStringField("timestamp", Timestamps.format(snapshot.timestamp()));
        g.writeEndObject();
    }

    private static void projections(Exchange exchange) {
        var names = exchange.services().store().projectionNames();
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("projections");
            for (String name : names) {
                g.writeStartObject();
                g.writeStringField("name", name);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("count", names.size());
            g.writeEndObject();
        });
    }

    private static void projectionState(Exchange exchange) {
        String name = exchange.pathParameter("name");
        String entityId = exchange.pathParameter("entity_id");
        Projection projection = exchange.services().store().projection(name)
                .orElseThrow(() -> ApiException.notFound("no projection named '" + name + "'"));
        Optional<Record> state = projection.state(exchange.scope().storedEntityId(entityId));
        if (state.isEmpty()) {
            throw ApiException.notFound("projection '" + name + "' has no state for '" + entityId + "'");
        }
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("projection", name);
            g.writeStringField("entity_id", entityId);
            g.writeFieldName("state");
            EventJsonWriter.record(state.get(), g);
            g.writeEndObject();
        });
    }
}
