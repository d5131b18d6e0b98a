package dev.peregrine.record;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;

/**
 * A movable view of one field of a record (or one element of an array) during iteration. One cursor serves all
 * fields of a {@link Record#forEachField} or {@link RecordArray#forEachElement} call, so iteration allocates
 * nothing per field. Valid only inside the visitor call. Not thread-safe.
 */
public final class FieldCursor {

    private final FieldDictionary dictionary;
    private final MemorySegment segment;
    private final long base;
    private final int count;
    private final boolean array;
    private int index;

    FieldCursor(FieldDictionary dictionary, MemorySegment segment, long base, int count) {
        this.dictionary = dictionary;
        this.segment = segment;
        this.base = base;
        this.count = count;
        this.array = segment.get(RecordReader.BYTE, base + RecordLayout.KIND_OFFSET) == RecordLayout.KIND_ARRAY;
    }

    void moveTo(int index) {
        this.index = index;
    }

    /** Position of the field in field-id order (or of the element in its array). */
    public int index() {
        return index;
    }

    /** The field id, or -1 for an array element. */
    public int fieldId() {
        return array ? -1 : RecordReader.id(segment, base, index);
    }

    /** The field name (interned, not allocated), or null for an array element. */
    public String name() {
        return array ? null : dictionary.nameOf(RecordReader.id(segment, base, index));
    }

    /** The value's type. */
    public FieldType type() {
        return FieldType.ofTag(tag());
    }

    /** The I64 value. */
    public long getLong() {
        expect(RecordLayout.TAG_I64, FieldType.I64);
        return RecordReader.readLong(segment, base, index);
    }

    /** The F64 value (an I64 value is converted). */
    public double getDouble() {
        if (tag() == RecordLayout.TAG_I64) {
            return RecordReader.readLong(segment, base, index);
        }
        expect(RecordLayout.TAG_F64, FieldType.F64);
        return RecordReader.readDouble(segment, base, index);
    }

    /** The DECIMAL value. */
    public BigDecimal getDecimal() {
        expect(RecordLayout.TAG_DECIMAL, FieldType.DECIMAL);
        return RecordReader.readDecimal(segment, base, count, index);
    }

    /** The BOOL value. */
    public boolean getBoolean() {
        if (type() != FieldType.BOOL) {
            throw mismatch(FieldType.BOOL);
        }
        return tag() == RecordLayout.TAG_TRUE;
    }

    /** The STRING value. */
    public String getString() {
        expect(RecordLayout.TAG_STRING, FieldType.STRING);
        return RecordReader.readString(segment, base, count, index);
    }

    /** A copy of the BYTES value. */
    public byte[] getBytes() {
        expect(RecordLayout.TAG_BYTES, FieldType.BYTES);
        return RecordReader.readBytes(segment, base, count, index);
    }

    /** A view of the OBJECT value. */
    public Record getRecord() {
        expect(RecordLayout.TAG_OBJECT, FieldType.OBJECT);
        return new Record(dictionary, RecordReader.valueSlice(segment, base, count, index));
    }

    /** A view of the ARRAY value. */
    public RecordArray getArray() {
        expect(RecordLayout.TAG_ARRAY, FieldType.ARRAY);
        return new RecordArray(dictionary, RecordReader.valueSlice(segment, base, count, index));
    }

    /** Encoded size of the value in bytes (0 for null and booleans). */
    public int valueSize() {
        return (int) (RecordReader.valueEnd(segment, base, count, index) - RecordReader.valueStart(segment, base, index));
    }

    private int tag() {
        return RecordReader.tag(segment, base, index);
    }

    private void expect(int tag, FieldType type) {
        if (tag() != tag) {
            throw mismatch(type);
        }
    }

    private FieldTypeException mismatch(FieldType expected) {
        String label = array ? "[" + index + "]" : name();
        return new FieldTypeException(label, expected, type());
    }
}
