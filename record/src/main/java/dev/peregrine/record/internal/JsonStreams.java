package dev.peregrine.record.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordArray;
import java.io.IOException;
import java.util.Objects;

/**
 * {@link JsonCodec} over a caller's jackson-core parser or generator, for the server, which reads
 * request bodies and writes responses as documents around the records ({@code {"payload": {…},
 * "id": …}}) in one pass.
 *
 * <p>Not public API: the record module keeps JSON-library types out of its public API (an
 * application sees only bytes and strings, and Jackson is not part of the module's contract), so
 * {@code module-info} exports this package to the store and the server only.
 *
 * <p>The codec's streaming methods are package-private in {@code dev.peregrine.record};
 * {@link JsonCodec} installs them here when its class is initialised, which the static block below
 * makes sure happens before the first use (as {@link TrustedRecords} does for {@link Record}).
 */
public final class JsonStreams {

    /** The codec's streaming entry points. */
    public interface Access {
        /** @see JsonStreams#parse */
        Record parse(JsonCodec codec, FieldDictionary dictionary, JsonParser parser);

        /** @see JsonStreams#write(Record, JsonGenerator) */
        void write(Record record, JsonGenerator generator) throws IOException;

        /** @see JsonStreams#write(RecordArray, JsonGenerator) */
        void write(RecordArray array, JsonGenerator generator) throws IOException;
    }

    private static Access access;

    static {
        try {
            Class.forName(JsonCodec.class.getName(), true, JsonCodec.class.getClassLoader());
        } catch (ClassNotFoundException impossible) {
            throw new ExceptionInInitializerError(impossible);
        }
    }

    private JsonStreams() {
    }

    /**
     * Called once by {@link JsonCodec}'s static initialiser.
     *
     * @param codecAccess the codec's package-private streaming methods
     */
    public static void install(Access codecAccess) {
        if (access != null) {
            throw new IllegalStateException("already installed");
        }
        access = Objects.requireNonNull(codecAccess);
    }

    /**
     * Parses the object at the parser's current position with {@code codec}'s limits: the parser
     * stands on its {@code START_OBJECT} (or before the first token). On return it stands on the
     * matching {@code END_OBJECT}, so the caller can go on reading an enclosing document. The parser
     * decodes the input itself, so a caller that parses bytes must first check them with
     * {@link dev.peregrine.record.JsonUtf8#requireValid}.
     *
     * @param codec the codec whose limits apply
     * @param dictionary the dictionary new field names are interned in
     * @param parser the caller's parser
     * @return the record
     * @throws dev.peregrine.record.InvalidJsonException naming the problem and its line and column
     */
    public static Record parse(JsonCodec codec, FieldDictionary dictionary, JsonParser parser) {
        return access.parse(codec, dictionary, parser);
    }

    /**
     * Writes the record as one JSON object to {@code generator}, which may be in the middle of a
     * larger document (after a field name or inside an array). Does not flush or close it.
     *
     * @param record the record
     * @param generator the caller's generator
     * @throws IOException from the generator's output
     */
    public static void write(Record record, JsonGenerator generator) throws IOException {
        access.write(record, generator);
    }

    /**
     * Writes the array as one JSON array to {@code generator}; see {@link #write(Record, JsonGenerator)}.
     *
     * @param array the array
     * @param generator the caller's generator
     * @throws IOException from the generator's output
     */
    public static void write(RecordArray array, JsonGenerator generator) throws IOException {
        access.write(array, generator);
    }
}
