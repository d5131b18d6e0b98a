package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.JsonLimits;
import dev.peregrine.record.Record;
import dev.peregrine.record.internal.JsonStreams;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.NewEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads ingest requests into {@link NewEvent}s with a streaming parser, straight into records (no
 * JSON tree): one event {@code {"event_type","entity_id","payload",["metadata"],["tenant_id"],
 * ["event_id"],["expected_version"]}}, or a batch {@code {"events":[…]}} (a bare array too).
 *
 * <p>Unknown fields are skipped, as AllSource's deserializer does; a known field with the wrong
 * type, a missing required field, a duplicate field or trailing content is a 400 naming the field
 * and, in a batch or an NDJSON body, the event's {@linkplain EventLocation location}, whatever
 * raised the error (this class, the record codec, the JSON parser). The store validates the values
 * again (id syntax, sizes).
 * Payloads and metadata are parsed into a {@linkplain #draft() draft} of the store's dictionary per
 * request, so a request that fails here or in the store adds no field name.
 * Thread-safe: stateless apart from its immutable configuration.
 */
final class EventRequestParser {
    private final Json json;
    private final FieldDictionary dictionary;
    private final ServerLimits limits;
    private final JsonCodec codec;

    EventRequestParser(Json json, FieldDictionary dictionary, ServerLimits limits) {
        this.json = json;
        this.dictionary = dictionary;
        this.limits = limits;
        this.codec = JsonCodec.create(JsonLimits.DEFAULTS.withMaxDepth(limits.maxJsonDepth()));
    }

    /**
     * A new draft of the store's dictionary, for the records of one request: the store adds its new
     * names only for the events it stores (see {@link FieldDictionary#draft()}).
     */
    FieldDictionary draft() {
        return dictionary.draft();
    }

    /** One event, the whole body. */
    NewEvent single(byte[] body, int offset, int length) throws IOException {
        try (JsonParser parser = json.parser(body, offset, length)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "the request body must be a JSON object (an event)");
            NewEvent event = event(parser, draft());
            Json.requireEnd(parser);
            return event;
        }
    }

    /** A batch, the whole body: {@code {"events":[…]}} or {@code […]}. */
    List<NewEvent> batch(byte[] body, int offset, int length) throws IOException {
        try (JsonParser parser = json.parser(body, offset, length)) {
            FieldDictionary draft = draft();
            JsonToken first = parser.nextToken();
            List<NewEvent> events;
            if (first == JsonToken.START_ARRAY) {
                events = events(parser, draft);
            } else {
                expect(first, JsonToken.START_OBJECT, "the request body must be {\"events\":[…]} or a JSON array");
                events = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if ("events".equals(name)) {
                        expect(value, JsonToken.START_ARRAY, "'events' must be an array");
                        events = events(parser, draft);
                    } else {
                        parser.skipChildren();
                    }
                }
                if (events == null) {
                    throw ApiException.badRequest("missing field 'events' (an array of events)");
                }
            }
            Json.requireEnd(parser);
            if (events.isEmpty()) {
                throw ApiException.badRequest("'events' is empty: a batch needs at least one event");
            }
            return events;
        }
    }

    /**
     * One NDJSON line: an event object, its records in {@code draft} (one per chunk of lines). Every
     * error names the line (see {@link EventLocation}).
     */
    NewEvent line(FieldDictionary draft, byte[] bytes, int offset, int length, long lineNumber) {
        try (JsonParser parser = json.parser(bytes, offset, length)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "the line must be a JSON object (an event)");
            NewEvent event = event(parser, draft);
            Json.requireEnd(parser);
            return event;
        } catch (Exception e) {
            throw EventLocation.line(lineNumber).locate(e);
        }
    }

    private List<NewEvent> events(JsonParser parser, FieldDictionary draft) throws IOException {
        List<NewEvent> events = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            int index = events.size();
            if (index >= limits.maxBatchEvents()) {
                throw ApiException.tooLarge("the batch has more than " + limits.maxBatchEvents()
                        + " events (--max-batch-events); send NDJSON for larger loads");
            }
            try {
                expect(token, JsonToken.START_OBJECT, "the event must be a JSON object");
                events.add(event(parser, draft));
            } catch (Exception e) {
                throw EventLocation.batchIndex(index).locate(e);
            }
        }
        return events;
    }

    /** Reads the event object whose START_OBJECT the parser is on, up to its END_OBJECT. */
    private NewEvent event(JsonParser parser, FieldDictionary draft) throws IOException {
        NewEvent.Builder builder = NewEvent.builder();
        boolean hasType = false;
        boolean hasEntity = false;
        boolean hasPayload = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "event_type" -> {
                    builder.eventType(id(parser, value, name));
                    hasType = true;
                }
                case "entity_id" -> {
                    builder.entityId(id(parser, value, name));
                    hasEntity = true;
                }
                case "tenant_id" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        builder.tenantId(id(parser, value, name));
                    }
                }
                case "event_id" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        builder.eventId(uuid(parser, value));
                    }
                }
                case "payload" -> {
                    builder.payload(object(parser, value, name, draft));
                    hasPayload = true;
                }
                case "metadata" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        builder.metadata(object(parser, value, name, draft));
                    }
                }
                case "expected_version" -> builder.expectedVersion(expectedVersion(parser, value));
                default -> parser.skipChildren();
            }
        }
        if (!hasType) {
            throw ApiException.badRequest("missing field 'event_type'");
        }
        if (!hasEntity) {
            throw ApiException.badRequest("missing field 'entity_id'");
        }
        if (!hasPayload) {
            throw ApiException.badRequest("missing field 'payload' (a JSON object)");
        }
        return builder.build();
    }

    /** An id-like string field (an entity id, a tenant, an event type): non-empty, within the id limit, no control characters. */
    String id(JsonParser parser, JsonToken value, String name) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw ApiException.badRequest("'" + name + "' must be a string, got " + describe(value));
        }
        String text = parser.getText();
        if (text.isEmpty()) {
            throw ApiException.badRequest("'" + name + "' must not be empty");
        }
        int chars = text.codePointCount(0, text.length()); // characters as the store counts them
        if (chars > limits.maxIdLength()) {
            throw ApiException.badRequest("'" + name + "' is " + chars + " characters long; the limit is "
                    + limits.maxIdLength() + " (--max-id-length)");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw ApiException.badRequest("'" + name + "' contains the control character U+"
                        + String.format("%04X", (int) text.charAt(i)) + " at index " + i);
            }
        }
        return text;
    }

    private static UUID uuid(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw ApiException.badRequest("'event_id' must be a UUID string, got " + describe(value));
        }
        return Uuids.parse("event_id", parser.getText());
    }

    private Record object(JsonParser parser, JsonToken value, String name, FieldDictionary draft)
            throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw ApiException.badRequest("'" + name + "' must be a JSON object, got " + describe(value));
        }
        return JsonStreams.parse(codec, draft, parser);
    }

    private static ExpectedVersion expectedVersion(JsonParser parser, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_NULL -> ExpectedVersion.any();
            case VALUE_NUMBER_INT -> {
                if (parser.getNumberType() != JsonParser.NumberType.INT && parser.getNumberType() != JsonParser.NumberType.LONG) {
                    throw ApiException.badRequest("'expected_version' is too large: " + parser.getText());
                }
                long version = parser.getLongValue();
                if (version < 0) {
                    throw ApiException.badRequest("'expected_version' must not be negative, got " + version);
                }
                yield ExpectedVersion.exact(version);
            }
            case VALUE_STRING -> switch (parser.getText()) {
                case "any" -> ExpectedVersion.any();
                case "no_stream" -> ExpectedVersion.noStream();
                case "exists" -> ExpectedVersion.exists();
                default -> throw ApiException.badRequest("'expected_version' must be a number, \"any\","
                        + " \"no_stream\" or \"exists\", got \"" + parser.getText() + "\"");
            };
            default -> throw ApiException.badRequest("'expected_version' must be a number or one of"
                    + " \"any\", \"no_stream\", \"exists\", got " + describe(value));
        };
    }

    private static void expect(JsonToken actual, JsonToken expected, String message) {
        if (actual != expected) {
            throw ApiException.badRequest(actual == null ? "the request body is empty" : message + ", got " + describe(actual));
        }
    }

    /** "a string", "a number", …: how a wrong value is named in errors. */
    static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }
}
