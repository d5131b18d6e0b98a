package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.record.Record;
import dev.peregrine.record.internal.JsonStreams;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.StoredEvent;
import java.io.IOException;
import java.util.Optional;

/**
 * Writes the API's JSON shapes with AllSource Core's field names: the event
 * ({@code id, event_type, entity_id, tenant_id, payload, timestamp, metadata, version, position})
 * and the append acknowledgement ({@code event_id, timestamp, position, version}). Payloads are
 * streamed from their records without an intermediate tree. Stateless.
 */
final class EventJsonWriter {

    private EventJsonWriter() {
    }

    /** One stored event as an object, its entity id as {@code scope} shows it. */
    static void event(StoredEvent event, TenantScope scope, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", event.id().toString());
        g.writeStringField("event_type", event.eventType());
        g.writeStringField("entity_id", scope.shownEntityId(event.entityId()));
        g.writeStringField("tenant_id", event.tenantId());
        g.writeFieldName("payload");
        record(event.payload(), g);
        g.writeStringField("timestamp", Timestamps.format(event.timestamp()));
        g.writeFieldName("metadata");
        record(event.metadata(), g);
        g.writeNumberField("version", event.version());
        g.writeNumberField("position", event.position());
        g.writeEndObject();
    }

    /** One append acknowledgement as an object. */
    static void appended(AppendResult result, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("event_id", result.eventId().toString());
        g.writeStringField("timestamp", Timestamps.format(result.timestamp()));
        g.writeNumberField("position", result.position());
        g.writeNumberField("version", result.version());
        g.writeEndObject();
    }

    /** A record as a JSON object. */
    static void record(Record record, JsonGenerator g) throws IOException {
        JsonStreams.write(record, g);
    }

    /** A record, or {@code null} when absent. */
    static void record(Optional<Record> record, JsonGenerator g) throws IOException {
        if (record.isPresent()) {
            JsonStreams.write(record.get(), g);
        } else {
            g.writeNull();
        }
    }
}
