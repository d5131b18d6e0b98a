package dev.peregrine.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.peregrine.record.internal.WholeInputParser;
import dev.peregrine.record.internal.JsonStreams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * Converts between JSON objects and records with jackson-core's streaming parser and generator: tokens go
 * straight into a {@link RecordBuilder}, no tree is built. The API takes and returns only bytes, strings and
 * records; Jackson is an implementation detail of this module, not part of its API.
 *
 * <p>Mapping. JSON objects become records (nested objects nested records), arrays arrays, strings STRING,
 * {@code true}/{@code false} BOOL, {@code null} NULL. Numbers are never changed, by the rule of
 * {@link JsonNumbers}: an integer that fits a {@code long} is I64 ({@code -0} as an integer is 0), a number
 * that is exactly its nearest double in shortest form is F64 ({@code 1.5}, {@code 0.1}), and any other number
 * ({@code 18446744073709551617}, {@code 1e-400}) is DECIMAL, kept as the text given. Writing: I64 as an
 * integer, F64 in Java's shortest round-trip form (so {@code 2.0} stays a double when read back), DECIMAL as
 * its text, NaN and infinities (only possible through the builder) as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}, BYTES as a base64 string. Strings are stored as UTF-8 and any
 * Unicode round-trips, escapes and surrogate pairs included; input bytes must be well-formed UTF-8, checked
 * strictly ({@link JsonUtf8}), and an unpaired surrogate escape ({@code "\ud800"}) is rejected, since it is
 * not Unicode text and could not be stored as UTF-8. A key repeated in one object is rejected.
 *
 * <pre>{@code
 * JsonCodec json = JsonCodec.defaults();
 * Record r = json.parse(dict, "{\"a\":1,\"b\":[true,null,\"x\"]}");
 * String text = json.toJson(r);             // {"a":1,"b":[true,null,"x"]}
 * }</pre>
 *
 * <p>Thread-safe. Each thread reuses one builder per codec (thread-local), so a parse allocates only Jackson's
 * parser and the finished record; writing allocates a generator per call.
 */
public final class JsonCodec {

    private static final JsonCodec DEFAULTS = new JsonCodec(JsonLimits.DEFAULTS);

    static {
        // The streaming methods take Jackson's types, which stay out of this module's public API: the
        // server reaches them through the internal package (see JsonStreams).
        JsonStreams.install(new JsonStreams.Access() {
            @Override
            public Record parse(JsonCodec codec, FieldDictionary dictionary, JsonParser parser) {
                return codec.parse(dictionary, parser);
            }

            @Override
            public void write(Record record, JsonGenerator generator) throws IOException {
                JsonCodec.write(record, generator);
            }

            @Override
            public void write(RecordArray array, JsonGenerator generator) throws IOException {
                JsonWriter.writeArray(array.dictionary(), array.segment(), 0, generator);
            }
        });
    }

    private final JsonLimits limits;
    private final JsonFactory factory;
    // One builder per thread, reused across parses so that its scratch arrays are allocated once: a parse then
    // allocates only Jackson's parser and the finished record. Replaced when the dictionary changes.
    private final ThreadLocal<RecordBuilder> builders = new ThreadLocal<>();

    private JsonCodec(JsonLimits limits) {
        this.limits = limits;
        // Jackson's own nesting check sits just above ours so that ours, with its clearer message, fires first.
        //
        // Key canonicalisation is off: Jackson's symbol table copies itself for every parser that meets a new
        // key and String.intern()s every key, so payloads with ever-new keys cost memory and time per document
        // that grow with the keys seen. The field dictionary already maps each key to its id. Without it,
        // Jackson would read bytes through a lenient Reader, so they go to its non-blocking parser instead
        // (WholeInputParser), which validates UTF-8 like its blocking one and keeps no symbol table.
        this.factory = JsonFactory.builder()
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(limits.maxDepth() + 1).build())
                .build();
    }

    /** A codec with {@link JsonLimits#DEFAULTS}. */
    public static JsonCodec defaults() {
        return DEFAULTS;
    }

    /** A codec with the given limits. */
    public static JsonCodec create(JsonLimits limits) {
        return new JsonCodec(limits);
    }

    /** The limits this codec enforces. */
    public JsonLimits limits() {
        return limits;
    }

    /**
     * Parses one JSON object (UTF-8 bytes, optionally surrounded by whitespace) into a record, interning new
     * field names in {@code dictionary}.
     *
     * @throws InvalidJsonException naming the problem and its line and column
     */
    public Record parse(FieldDictionary dictionary, byte[] json) {
        JsonUtf8.requireValid(json, 0, json.length);
        return parseDocument(() -> WholeInputParser.over(factory, json, 0, json.length), dictionary, RecordBuilder::build);
    }

    /** Parses one JSON object given as text; see {@link #parse(FieldDictionary, byte[])}. */
    public Record parse(FieldDictionary dictionary, String json) {
        return parseDocument(() -> factory.createParser(json), dictionary, RecordBuilder::build);
    }

    /** Parses the object at the parser's current position; see {@link JsonStreams#parse}. */
    private Record parse(FieldDictionary dictionary, JsonParser parser) {
        RecordBuilder builder = builder(dictionary);
        JsonReader reader = new JsonReader(parser, builder, limits);
        reader.readObject();
        return reader.finish(builder::build);
    }

    /**
     * Parses one JSON object from {@code json[offset .. offset+length)} into {@code out} (replacing its content)
     * and returns the encoded length; for loops that reuse one buffer.
     */
    public int parseInto(FieldDictionary dictionary, byte[] json, int offset, int length, RecordBuffer out) {
        JsonUtf8.requireValid(json, offset, length);
        return parseDocument(() -> WholeInputParser.over(factory, json, offset, length), dictionary, b -> b.buildInto(out));
    }

    /** Opens a parser; Jackson's factories throw IOException. */
    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    /** Parses a whole document (one object, nothing after it) and finishes the builder with {@code finish}. */
    private <T> T parseDocument(ParserSource source, FieldDictionary dictionary, Function<RecordBuilder, T> finish) {
        try (JsonParser parser = source.open()) {
            RecordBuilder builder = builder(dictionary);
            JsonReader reader = new JsonReader(parser, builder, limits);
            reader.readDocument();
            return reader.finish(() -> finish.apply(builder));
        } catch (IOException e) {
            throw JsonReader.invalid(e, null);
        }
    }

    /** This thread's builder for {@code dictionary}, empty. */
    private RecordBuilder builder(FieldDictionary dictionary) {
        RecordBuilder builder = builders.get();
        if (builder == null || builder.dictionary() != dictionary) {
            builder = RecordBuilder.create(dictionary).limits(limits);
            builders.set(builder);
        }
        return builder.reset();
    }

    /** The record as compact JSON text. */
    public String toJson(Record record) {
        StringWriter out = new StringWriter(record.sizeInBytes() + 16);
        try (JsonGenerator generator = factory.createGenerator(out)) {
            write(record, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** The array as compact JSON text. */
    public String toJson(RecordArray array) {
        StringWriter out = new StringWriter(array.sizeInBytes() + 16);
        try (JsonGenerator generator = factory.createGenerator(out)) {
            JsonWriter.writeArray(array.dictionary(), array.segment(), 0, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The record as compact JSON in UTF-8. */
    public byte[] toJsonBytes(Record record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(record.sizeInBytes() + 16);
        try (JsonGenerator generator = factory.createGenerator(out)) {
            write(record, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(Record record, JsonGenerator generator) throws IOException {
        JsonWriter.writeObject(record.dictionary(), record.segment(), 0, generator);
    }
}
