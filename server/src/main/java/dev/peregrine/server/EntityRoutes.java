package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.record.Record;
import dev.peregrine.store.EntityState;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoredEvent;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Entity reads and deletion: {@code GET /api/v1/entities/{id}/state[?as_of=]} (reconstructed
 * state with its history), {@code GET /api/v1/entities/{id}/snapshot} (from the entity snapshots
 * projection) and {@code DELETE /api/v1/entities/{id}} (tombstone).
 */
final class EntityRoutes {
    /** The built-in projection AllSource serves {@code /snapshot} from. */
    static final String SNAPSHOT_PROJECTION = "entity_snapshots";

    private EntityRoutes() {
    }

    static void register(Router router) {
        router.add("GET", "/api/v1/entities/{id}/state", EntityRoutes::state);
        router.add("GET", "/api/v1/entities/{id}/snapshot", EntityRoutes::snapshot);
        router.add("DELETE", "/api/v1/entities/{id}", EntityRoutes::delete);
    }

    /**
     * Reconstruction folds up to every event of the entity since its last snapshot, and the
     * history lists them: unbounded work, so it runs on the worker pool.
     */
    private static void state(Exchange exchange) {
        Services services = exchange.services();
        TenantScope scope = exchange.scope();
        String entityId = scope.storedEntityId(exchange.pathParameter("id"));
        Optional<Instant> asOf = QueryParameters.of(exchange.request()).instant("as_of");
        exchange.answerWhenDone(services.offloop(() -> {
            EntityState state = services.store().reconstruct(entityId, asOf.orElse(null));
            Query.Builder history = Query.builder().entityId(entityId).limit(services.limits().maxQueryLimit());
            scope.tenantFilter(Optional.empty()).ifPresent(history::tenantId);
            asOf.ifPresent(history::asOf);
            QueryPage page = services.store().query(history.build());
            return renderState(services, scope, state, page);
        }), buffer -> buffer);
    }

    private static Buffer renderState(Services services, TenantScope scope, EntityState state, QueryPage history) {
        return services.json().render(g -> {
            g.writeStartObject();
            g.writeStringField("entity_id", scope.shownEntityId(state.entityId()));
            g.writeStringField("last_updated", Timestamps.format(state.lastUpdated()));
            g.writeNumberField("event_count", state.eventCount());
            g.writeFieldName("as_of");
            if (state.asOf().isPresent()) {
                g.writeString(Timestamps.format(state.asOf().get()));
            } else {
                g.writeNull();
            }
            g.writeFieldName("current_state");
            EventJsonWriter.record(state.state(), g);
            g.writeArrayFieldStart("history");
            for (StoredEvent event : history.events()) {
                historyEntry(event, g);
            }
            g.writeEndArray();
            // The history is one page; say so when the entity has more events than the page holds.
            g.writeBooleanField("history_truncated", history.nextCursor().isPresent());
            g.writeEndObject();
        });
    }

    private static void historyEntry(StoredEvent event, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("event_id", event.id().toString());
        g.writeStringField("type", event.eventType());
        g.writeStringField("timestamp", Timestamps.format(event.timestamp()));
        g.writeFieldName("payload");
        EventJsonWriter.record(event.payload(), g);
        g.writeEndObject();
    }

    private static void snapshot(Exchange exchange) {
        Services services = exchange.services();
        String entityId = exchange.pathParameter("id");
        Optional<Record> state = services.store().projection(SNAPSHOT_PROJECTION)
                .orElseThrow(() -> ApiException.notFound("projection '" + SNAPSHOT_PROJECTION + "' is not enabled"))
                .state(exchange.scope().storedEntityId(entityId));
        if (state.isEmpty()) {
            throw ApiException.notFound("entity '" + entityId + "' has no snapshot in projection '"
                    + SNAPSHOT_PROJECTION + "'");
        }
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("entity_id", entityId);
            g.writeFieldName("snapshot");
            EventJsonWriter.record(state.get(), g);
            g.writeStringField("from_projection", SNAPSHOT_PROJECTION);
            g.writeEndObject();
        });
    }

    private static void delete(Exchange exchange) {
        Services services = exchange.services();
        String entityId = exchange.pathParameter("id");
        String stored = exchange.scope().storedEntityId(entityId);
        // The store's tombstone waits for its durability (an fsync): a worker waits, not the event loop.
        exchange.answerWhenDone(services.offloop(() -> services.store().tombstone(stored)),
                position -> services.json().render(g -> {
                    g.writeStartObject();
                    g.writeStringField("entity_id", entityId);
                    g.writeBooleanField("deleted", true);
                    g.writeNumberField("position", position);
                    g.writeEndObject();
                }));
    }
}
