package dev.peregrine.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.FieldType;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.JsonOutput;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.record.RecordException;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoredEvent;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq.ProposedMessage;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp.ReadEvent;
import java.util.Arrays;
import java.util.BitSet;
import java.util.UUID;

/**
 * Translates events between KurrentDB's wire form and Peregrine's.
 *
 * <p><b>Data.</b> A message whose {@code content-type} is {@value #JSON} and whose data is a JSON
 * object becomes the event's payload record, so that queries, state and views see its fields; it is
 * read back as the store renders the record (compact JSON, the bytes the HTTP API shows as
 * {@code payload}). Any other data (binary, or JSON that is not an object) is kept as it came, in a
 * payload of two fields: {@value #BYTES} (a BYTES value, which no JSON input can produce, so the two
 * shapes cannot be confused) and {@value #CONTENT_TYPE}; it is read back byte for byte with its
 * content type.
 *
 * <p><b>Custom metadata</b> is kept byte for byte: as the event's metadata record when it is a JSON
 * object the store renders to exactly the same bytes however its new field names are numbered (so
 * the HTTP API shows it as JSON), else as a metadata record holding only {@value #BYTES}. Empty
 * custom metadata is no metadata.
 *
 * <p><b>Numbers.</b> Stream revision = version − 1; commit and prepare positions are both the
 * global position; {@code created} is the timestamp in 100 ns ticks since the Unix epoch.
 */
final class WireEvents {
    static final String JSON = "application/json";
    static final String OCTET_STREAM = "application/octet-stream";
    /** The payload or metadata field that holds bytes kept as they came. */
    static final String BYTES = "$bytes";
    /** The payload field that holds the content type of {@link #BYTES}. */
    static final String CONTENT_TYPE = "$content_type";

    static final String TYPE_KEY = "type";
    static final String CONTENT_TYPE_KEY = "content-type";
    static final String CREATED_KEY = "created";

    private final FieldDictionary dictionary;

    WireEvents(FieldDictionary dictionary) {
        this.dictionary = dictionary;
    }

    /**
     * The event a proposed message describes, appended to {@code stream}.
     *
     * @throws InvalidEventException when the message has no event type or no id
     */
    NewEvent toNewEvent(String stream, ProposedMessage message, ExpectedVersion expected) {
        String type = message.getMetadataOrDefault(TYPE_KEY, "");
        if (type.isEmpty()) {
            throw new InvalidEventException("type", "every proposed message needs the metadata key 'type'");
        }
        String contentType = message.getMetadataOrDefault(CONTENT_TYPE_KEY, OCTET_STREAM);
        byte[] data = message.getData().toByteArray();
        NewEvent.Builder event = NewEvent.builder()
                .eventId(uuid(message.getId()))
                .eventType(type)
                .entityId(stream)
                .payload(payload(contentType, data))
                .expectedVersion(expected);
        byte[] custom = message.getCustomMetadata().toByteArray();
        if (custom.length > 0) {
            event.metadata(metadata(custom));
        }
        return event.build();
    }

    private Record payload(String contentType, byte[] data) {
        if (JSON.equals(contentType)) {
            Record json = jsonObject(data);
            if (json != null) {
                return json;
            }
        }
        return RecordBuilder.create(dictionary.draft()).put(BYTES, data).put(CONTENT_TYPE, contentType).build();
    }

    private Record metadata(byte[] custom) {
        int known = dictionary.size(); // before the parse: names it adds get ids from here on
        Record json = jsonObject(custom);
        if (json != null && orderIsFixed(json, known) && Arrays.equals(json(json), custom)) {
            return json;
        }
        return RecordBuilder.create(dictionary.draft()).put(BYTES, custom).build();
    }

    /**
     * Whether a record renders its fields in the same order once stored as it does now. A record
     * renders its fields in field-id order: a name the store knew keeps its id, and a name new to it
     * gets, when the event is stored, an id above every known one, in an order other appends and this
     * event's payload may decide (names its payload adds first get lower ids). With at most one new
     * name the order is fixed (the new one last, as now); with more it is not, and the metadata is
     * then kept as bytes so that it still comes back byte for byte.
     */
    private static boolean orderIsFixed(Record json, int known) {
        BitSet ids = new BitSet();
        json.collectFieldIds(ids);
        int firstNew = ids.nextSetBit(known);
        return firstNew < 0 || ids.nextSetBit(firstNew + 1) < 0;
    }

    /** The JSON object {@code bytes} hold, as a record; {@code null} when they are not one. */
    private Record jsonObject(byte[] bytes) {
        int first = 0;
        while (first < bytes.length && Character.isWhitespace(bytes[first])) {
            first++;
        }
        if (first == bytes.length || bytes[first] != '{') {
            return null; // not an object: no parse attempted for binary data
        }
        try {
            return JsonCodec.defaults().parse(dictionary.draft(), bytes);
        } catch (RecordException notAnObject) {
            return null;
        }
    }

    /** The wire form of a stored event, its id spelt as the client asked. */
    ReadEvent.RecordedEvent toRecorded(StoredEvent event, boolean stringIds) {
        return toRecorded(event, stringIds, new JsonOutput(256));
    }

    /**
     * The {@code ReadResp} that carries a stored event, rendering its JSON in {@code scratch}: a reader
     * that sends many events keeps one, so that the output's array and its cache of encoded field
     * names are made once per read rather than once per event.
     */
    ReadResp readResp(StoredEvent event, boolean stringIds, JsonOutput scratch) {
        return ReadResp.newBuilder().setEvent(ReadEvent.newBuilder()
                .setEvent(toRecorded(event, stringIds, scratch)).setCommitPosition(event.position())).build();
    }

    private ReadEvent.RecordedEvent toRecorded(StoredEvent event, boolean stringIds, JsonOutput scratch) {
        Record payload = event.payload();
        ByteString data;
        String contentType;
        if (isBytes(payload)) {
            data = UnsafeByteOperations.unsafeWrap(payload.getBytes(BYTES));
            contentType = payload.has(CONTENT_TYPE) ? payload.getString(CONTENT_TYPE) : OCTET_STREAM;
        } else {
            data = json(payload, scratch);
            contentType = JSON;
        }
        ByteString custom = ByteString.EMPTY;
        if (event.metadata().isPresent()) {
            Record metadata = event.metadata().get();
            custom = isBytes(metadata) ? UnsafeByteOperations.unsafeWrap(metadata.getBytes(BYTES)) : json(metadata, scratch);
        }
        return ReadEvent.RecordedEvent.newBuilder()
                .setId(wire(event.id(), stringIds))
                .setStreamIdentifier(Streams.identifier(event.entityId()))
                .setStreamRevision(event.version() - 1)
                .setCommitPosition(event.position())
                .setPreparePosition(event.position())
                .putMetadata(TYPE_KEY, event.eventType())
                .putMetadata(CONTENT_TYPE_KEY, contentType)
                .putMetadata(CREATED_KEY, Long.toString(event.timestampNanos() / 100))
                .setCustomMetadata(custom)
                .setData(data)
                .build();
    }

    /** A record's JSON (see {@link #json(Record)}), rendered in {@code scratch} and copied out of it. */
    private static ByteString json(Record record, JsonOutput scratch) {
        scratch.clear().record(record);
        return ByteString.copyFrom(scratch.buffer(), 0, scratch.length());
    }

    /**
     * A record as the store renders JSON: {@link JsonOutput} writes the bytes of
     * {@link JsonCodec#toJsonBytes} (tested byte for byte) straight from the record's encoding, which
     * is what the HTTP API serves, so the two faces return the same bytes.
     */
    private static byte[] json(Record record) {
        return new JsonOutput(record.sizeInBytes() + 64).record(record).toByteArray();
    }

    /** Whether an event's payload is a JSON object, not bytes kept as they came (see the class comment). */
    static boolean isJson(NewEvent event) {
        return !isBytes(event.payload());
    }

    /**
     * Whether a record is the bytes-as-they-came shape (see the class comment). The field count comes
     * first: a JSON payload of more than two fields, the usual case, is told apart without looking a
     * name up in the dictionary (which every event of a catch-up paid twice, for its data and its
     * custom metadata).
     */
    private static boolean isBytes(Record record) {
        int fields = record.fieldCount();
        return fields <= 2 && record.has(BYTES) && record.typeOf(BYTES) == FieldType.BYTES
                && fields == (record.has(CONTENT_TYPE) ? 2 : 1);
    }

    /** @throws InvalidEventException when the id is missing or not a UUID */
    static UUID uuid(Shared.UUID id) {
        return switch (id.getValueCase()) {
            case STRUCTURED -> new UUID(id.getStructured().getMostSignificantBits(),
                    id.getStructured().getLeastSignificantBits());
            case STRING -> {
                try {
                    yield UUID.fromString(id.getString());
                } catch (IllegalArgumentException e) {
                    throw new InvalidEventException("id", "'" + id.getString() + "' is not a UUID");
                }
            }
            case VALUE_NOT_SET -> throw new InvalidEventException("id", "every proposed message needs an id");
        };
    }

    static Shared.UUID wire(UUID id, boolean asString) {
        return asString ? Shared.UUID.newBuilder().setString(id.toString()).build()
                : Shared.UUID.newBuilder().setStructured(Shared.UUID.Structured.newBuilder()
                        .setMostSignificantBits(id.getMostSignificantBits())
                        .setLeastSignificantBits(id.getLeastSignificantBits())).build();
    }
}
