package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.peregrine.record.InvalidJsonException;
import dev.peregrine.record.JsonUtf8;
import dev.peregrine.record.internal.WholeInputParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The server's one Jackson {@link JsonFactory} (streaming only, no data binding, no tree), with
 * the read limits that protect the server: nesting depth and string length come from
 * {@link ServerLimits}. Every JSON request body is read under these limits: through a
 * {@link #parser}, or, for a body that another component parses with its own parser (a view
 * definition, which the store reads), through {@link #requireWithinLimits} first. Thread-safe:
 * factories are, and parsers/generators are per call.
 */
final class Json {

    /** Writes one JSON document into a generator. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator generator) throws IOException;
    }

    private final JsonFactory factory;

    Json(ServerLimits limits) {
        this.factory = JsonFactory.builder()
                // {"entity_id":"a","entity_id":"b"} is ambiguous: refuse it rather than pick one.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // Payload keys are the clients' to choose: no Jackson symbol table to copy and String.intern
                // into per new key (see JsonCodec); the store's field dictionary maps each key once. Bytes are
                // therefore read by the non-blocking parser (WholeInputParser).
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxJsonDepth())
                        .maxStringLength(limits.maxBodyBytes())
                        .build())
                .build();
    }

    /**
     * A parser over UTF-8 bytes, checked first with {@link #requireUtf8}: Jackson's own decoder
     * lets overlong forms, encoded surrogates and code points above U+10FFFF through.
     */
    JsonParser parser(byte[] utf8, int offset, int length) throws IOException {
        requireUtf8(utf8, offset, length);
        return WholeInputParser.over(factory, utf8, offset, length);
    }

    /**
     * Refuses a JSON body that is not well-formed UTF-8 with a 400 naming the string that holds
     * the first ill-formed sequence: {@code payload.user.name: invalid UTF-8 (overlong encoding)
     * at byte 3}, the byte counted from the string's opening quote (see {@link JsonUtf8}).
     */
    static void requireUtf8(byte[] utf8, int offset, int length) {
        try {
            JsonUtf8.requireValid(utf8, offset, length);
        } catch (InvalidJsonException e) {
            throw ApiException.badRequest(e.problem());
        }
    }

    /**
     * Reads a whole document under this factory's limits (nesting depth, string and number
     * lengths, duplicate keys, UTF-8) and keeps nothing.
     *
     * @throws IOException (a {@link com.fasterxml.jackson.core.JsonProcessingException}, a 400) on the
     *     first violation
     */
    void requireWithinLimits(byte[] utf8) throws IOException {
        try (JsonParser parser = parser(utf8, 0, utf8.length)) {
            while (parser.nextToken() != null) {
                // Each token is checked as it is read; nothing else to do.
            }
        }
    }

    /**
     * The value the parser is on (its first token just read), as compact JSON text; the parser is left
     * on the value's last token. For documents handed whole to another parser (a JSON Schema).
     */
    String copyValue(JsonParser parser) throws IOException {
        java.io.StringWriter out = new java.io.StringWriter();
        try (JsonGenerator generator = factory.createGenerator(out)) {
            generator.copyCurrentStructure(parser);
        }
        return out.toString();
    }

    /**
     * The string value the parser is on.
     *
     * @throws ApiException (400) naming the field when the value is not a string
     */
    static String string(JsonParser parser, JsonToken value, String name) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw ApiException.badRequest("'" + name + "' must be a string, got " + EventRequestParser.describe(value));
        }
        return parser.getText();
    }

    /** Whether the value the parser is on is a whole number from 0 to {@link Long#MAX_VALUE}. */
    static boolean isNonNegativeLong(JsonParser parser, JsonToken value) throws IOException {
        return value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                && parser.getLongValue() >= 0;
    }

    /** @throws ApiException (400) when anything follows the document the parser has read */
    static void requireEnd(JsonParser parser) throws IOException {
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw ApiException.badRequest("unexpected content after the JSON document: "
                    + EventRequestParser.describe(trailing));
        }
    }

    /** Renders one document into a new Vert.x buffer. */
    Buffer render(Writer writer) {
        Buffer buffer = Buffer.buffer(256);
        try (JsonGenerator generator = factory.createGenerator(new BufferOutputStream(buffer))) {
            writer.write(generator);
        } catch (IOException e) {
            // The target is memory: an IOException here is a bug in a writer, not an I/O failure.
            throw new UncheckedIOException("rendering a JSON response failed", e);
        }
        return buffer;
    }

    /** {@code {"error": message}}. */
    Buffer error(String message) {
        return render(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    /** Appends to a Vert.x buffer, so responses are written once, without an intermediate array. */
    private static final class BufferOutputStream extends OutputStream {
        private final Buffer buffer;

        BufferOutputStream(Buffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) {
            buffer.appendByte((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            buffer.appendBytes(bytes, offset, length);
        }
    }
}
