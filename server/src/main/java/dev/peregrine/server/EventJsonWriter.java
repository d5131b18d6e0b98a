package dev.peregrine.server;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.record.JsonOutput;
import dev.peregrine.record.Record;
import dev.peregrine.record.internal.JsonStreams;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.EventView;
import dev.peregrine.store.EventVisitor;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoredEvent;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Optional;

/**
 * Writes the API's JSON shapes with AllSource Core's field names: the event
 * ({@code id, event_type, entity_id, tenant_id, payload, timestamp, metadata, version, position}),
 * the query page ({@code events, count, next_cursor}) and the append acknowledgement
 * ({@code event_id, timestamp, position, version}).
 *
 * <p>Events, which the query endpoint and the streams render by the hundred, are written by hand
 * into a {@link JsonOutput} (see its Javadoc for the measured gain): the fixed parts as
 * pre-encoded bytes, the id and the timestamp formatted digit by digit, the payload straight from
 * its record. The bytes are exactly those jackson-core's generator wrote for the same event (a test
 * renders a random corpus both ways). The query endpoint renders its page straight from the store's
 * re-pointed {@link EventView} of each event, so a page costs no {@link StoredEvent} per event. The
 * rest goes through the server's Jackson generator.
 * Stateless apart from one reusable output per thread.
 */
final class EventJsonWriter {

    /** An output that grew beyond this after a response is dropped rather than kept by its thread. */
    private static final int RETAINED_OUTPUT_BYTES = 1 << 20;
    private static final ThreadLocal<JsonOutput> OUTPUT = ThreadLocal.withInitial(() -> new JsonOutput(16 << 10));

    private static final byte[] ID = ascii("{\"id\":\"");
    private static final byte[] EVENT_TYPE = ascii("\",\"event_type\":");
    private static final byte[] ENTITY_ID = ascii(",\"entity_id\":");
    private static final byte[] TENANT_ID = ascii(",\"tenant_id\":");
    private static final byte[] PAYLOAD = ascii(",\"payload\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
    private static final byte[] METADATA = ascii(",\"metadata\":");
    private static final byte[] VERSION = ascii(",\"version\":");
    private static final byte[] POSITION = ascii(",\"position\":");
    private static final byte[] PAGE_START = ascii("{\"events\":[");
    private static final byte[] COUNT = ascii("],\"count\":");
    private static final byte[] NEXT_CURSOR = ascii(",\"next_cursor\":");

    private EventJsonWriter() {
    }

    /** One stored event as a document, its entity id as {@code scope} shows it. */
    static Buffer event(StoredEvent event, TenantScope scope) {
        JsonOutput out = OUTPUT.get().clear(); // cleared first: a failed render may have left bytes
        event(event, scope, out);
        return finish(out);
    }

    /** A query page as the document {@code {"events":[…],"count":n,"next_cursor":…}}, entity ids as {@code scope} shows them. */
    static Buffer page(QueryPage page, TenantScope scope) {
        JsonOutput out = OUTPUT.get().clear(); // cleared first: a failed render may have left bytes
        out.raw(PAGE_START);
        PageVisitor visitor = new PageVisitor(out, scope);
        for (StoredEvent event : page.events()) {
            visitor.visit(event); // a stored event is a view that stays valid
        }
        return endPage(out, visitor.count, page.nextCursor());
    }

    /**
     * The page of {@code query}, rendered as {@link #page(QueryPage, TenantScope)} renders it, from
     * the store's re-pointed view of each event ({@link EventStore#query(Query, EventVisitor)})
     * instead of a {@link StoredEvent} per event.
     */
    static Buffer page(EventStore store, Query query, TenantScope scope) {
        JsonOutput out = OUTPUT.get().clear(); // cleared first: a failed render may have left bytes
        out.raw(PAGE_START);
        PageVisitor visitor = new PageVisitor(out, scope);
        Optional<String> next = store.query(query, visitor);
        return endPage(out, visitor.count, next);
    }

    /** Writes each event it is shown into the page, commas between them. */
    private static final class PageVisitor implements EventVisitor {
        private final JsonOutput out;
        private final TenantScope scope;
        private int count;

        PageVisitor(JsonOutput out, TenantScope scope) {
            this.out = out;
            this.scope = scope;
        }

        @Override
        public boolean visit(EventView event) {
            if (count++ > 0) {
                out.raw(',');
            }
            event(event, scope, out);
            return true;
        }
    }

    private static Buffer endPage(JsonOutput out, int count, Optional<String> nextCursor) {
        out.raw(COUNT).number(count).raw(NEXT_CURSOR).string(nextCursor.orElse(null)).raw('}');
        return finish(out);
    }

    /** One event as an object, its entity id as {@code scope} shows it, appended to {@code out}. */
    static void event(EventView event, TenantScope scope, JsonOutput out) {
        long msb = event.idMostSignificantBits();
        long lsb = event.idLeastSignificantBits();
        // UUID.toString's 8-4-4-4-12 lower-case hex digits.
        out.raw(ID).hex(msb >>> 32, 8).raw('-').hex(msb >>> 16, 4).raw('-').hex(msb, 4).raw('-')
                .hex(lsb >>> 48, 4).raw('-').hex(lsb, 12);
        out.raw(EVENT_TYPE).string(event.eventType());
        out.raw(ENTITY_ID).string(scope.shownEntityId(event.entityId()));
        out.raw(TENANT_ID).string(event.tenantId());
        out.raw(PAYLOAD).record(event.payload());
        out.raw(TIMESTAMP);
        Timestamps.write(event.timestampNanos(), out);
        out.raw(METADATA);
        Optional<Record> metadata = event.metadata();
        if (metadata.isPresent()) {
            out.record(metadata.get());
        } else {
            out.nullValue();
        }
        out.raw(VERSION).number(event.version()).raw(POSITION).number(event.position()).raw('}');
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

    /** Copies the output into a response buffer and empties it for the thread's next response. */
    private static Buffer finish(JsonOutput out) {
        Buffer buffer = Buffer.buffer(out.length()).appendBytes(out.buffer(), 0, out.length());
        if (out.buffer().length > RETAINED_OUTPUT_BYTES) {
            OUTPUT.remove();
        } else {
            out.clear();
        }
        return buffer;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }
}
