package dev.peregrine.record;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** Walks an encoding in place and emits JSON tokens; nothing is decoded into an intermediate structure. */
final class JsonWriter {

    private JsonWriter() {
    }

    static void writeObject(FieldDictionary dictionary, MemorySegment seg, long base, JsonGenerator out)
            throws IOException {
        int count = RecordReader.count(seg, base);
        out.writeStartObject();
        for (int i = 0; i < count; i++) {
            out.writeFieldName(dictionary.nameOf(RecordReader.id(seg, base, i)));
            writeValue(dictionary, seg, base, count, i, out);
        }
        out.writeEndObject();
    }

    static void writeArray(FieldDictionary dictionary, MemorySegment seg, long base, JsonGenerator out)
            throws IOException {
        int count = RecordReader.count(seg, base);
        out.writeStartArray();
        for (int i = 0; i < count; i++) {
            writeValue(dictionary, seg, base, count, i, out);
        }
        out.writeEndArray();
    }

    private static void writeValue(FieldDictionary dictionary, MemorySegment seg, long base, int count, int i,
            JsonGenerator out) throws IOException {
        switch (RecordReader.tag(seg, base, i)) {
            case RecordLayout.TAG_NULL -> out.writeNull();
            case RecordLayout.TAG_FALSE -> out.writeBoolean(false);
            case RecordLayout.TAG_TRUE -> out.writeBoolean(true);
            case RecordLayout.TAG_I64 -> out.writeNumber(RecordReader.readLong(seg, base, i));
            case RecordLayout.TAG_F64 -> out.writeNumber(RecordReader.readDouble(seg, base, i));
            case RecordLayout.TAG_STRING -> out.writeString(RecordReader.readString(seg, base, count, i));
            // The text as it was given: writeNumber(String) copies it without quotes or reformatting.
            case RecordLayout.TAG_DECIMAL -> out.writeNumber(RecordReader.readString(seg, base, count, i));
            case RecordLayout.TAG_BYTES -> out.writeBinary(RecordReader.readBytes(seg, base, count, i));
            case RecordLayout.TAG_OBJECT -> writeObject(dictionary, seg, RecordReader.valueStart(seg, base, i), out);
            case RecordLayout.TAG_ARRAY -> writeArray(dictionary, seg, RecordReader.valueStart(seg, base, i), out);
            default -> throw new IllegalStateException("unvalidated tag " + RecordReader.tag(seg, base, i));
        }
    }
}
