package dev.peregrine.record;

import static dev.peregrine.record.RecordLayout.TAG_F64;
import static dev.peregrine.record.RecordLayout.TAG_I64;
import static dev.peregrine.record.RecordLayout.TAG_TRUE;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;

/**
 * An immutable view of an encoded array inside a record: elements of any types, read in place by index. Getters
 * throw {@link FieldNotFoundException} for an index out of range and {@link FieldTypeException} for an element
 * of another type. Equality is by content within one dictionary, as for {@link Record}. Thread-safe.
 */
public final class RecordArray {

    private final FieldDictionary dictionary;
    private final MemorySegment segment;
    private final int size;

    RecordArray(FieldDictionary dictionary, MemorySegment segment) {
        this.dictionary = dictionary;
        this.segment = segment;
        this.size = RecordReader.count(segment, 0);
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** The type of element {@code index}. */
    public FieldType typeOf(int index) {
        return FieldType.ofTag(tag(index));
    }

    /** Whether element {@code index} is null. */
    public boolean isNull(int index) {
        return tag(index) == RecordLayout.TAG_NULL;
    }

    /** The I64 element {@code index}. */
    public long getLong(int index) {
        expect(index, TAG_I64, FieldType.I64);
        return RecordReader.readLong(segment, 0, index);
    }

    /** The F64 (or I64, converted) element {@code index}. */
    public double getDouble(int index) {
        if (tag(index) == TAG_I64) {
            return RecordReader.readLong(segment, 0, index);
        }
        expect(index, TAG_F64, FieldType.F64);
        return RecordReader.readDouble(segment, 0, index);
    }

    /** The DECIMAL element {@code index}. */
    public BigDecimal getDecimal(int index) {
        expect(index, RecordLayout.TAG_DECIMAL, FieldType.DECIMAL);
        return RecordReader.readDecimal(segment, 0, size, index);
    }

    /** The BOOL element {@code index}. */
    public boolean getBoolean(int index) {
        if (typeOf(index) != FieldType.BOOL) {
            throw new FieldTypeException("[" + index + "]", FieldType.BOOL, typeOf(index));
        }
        return tag(index) == TAG_TRUE;
    }

    /** The STRING element {@code index}. */
    public String getString(int index) {
        expect(index, RecordLayout.TAG_STRING, FieldType.STRING);
        return RecordReader.readString(segment, 0, size, index);
    }

    /** A copy of the BYTES element {@code index}. */
    public byte[] getBytes(int index) {
        expect(index, RecordLayout.TAG_BYTES, FieldType.BYTES);
        return RecordReader.readBytes(segment, 0, size, index);
    }

    /** A view of the OBJECT element {@code index}. */
    public Record getRecord(int index) {
        expect(index, RecordLayout.TAG_OBJECT, FieldType.OBJECT);
        return new Record(dictionary, RecordReader.valueSlice(segment, 0, size, index));
    }

    /** A view of the ARRAY element {@code index}. */
    public RecordArray getArray(int index) {
        expect(index, RecordLayout.TAG_ARRAY, FieldType.ARRAY);
        return new RecordArray(dictionary, RecordReader.valueSlice(segment, 0, size, index));
    }

    /** Calls {@code visitor} once per element in order, with one re-pointed cursor. */
    public void forEachElement(FieldVisitor visitor) {
        FieldCursor cursor = new FieldCursor(dictionary, segment, 0, size);
        for (int i = 0; i < size; i++) {
            cursor.moveTo(i);
            visitor.visit(cursor);
        }
    }

    /** The dictionary of nested records' field ids. */
    public FieldDictionary dictionary() {
        return dictionary;
    }

    /** Encoded size in bytes. */
    public int sizeInBytes() {
        return (int) segment.byteSize();
    }

    /** The encoded bytes (not a copy; do not modify). */
    public MemorySegment segment() {
        return segment;
    }

    /** The array as compact JSON. */
    public String toJson() {
        return JsonCodec.defaults().toJson(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordArray a && a.dictionary == dictionary && a.segment.byteSize() == segment.byteSize()
                && segment.mismatch(a.segment) < 0;
    }

    @Override
    public int hashCode() {
        return RecordBuffer.hash(segment);
    }

    /** Same as {@link #toJson()}. */
    @Override
    public String toString() {
        return toJson();
    }

    private int tag(int index) {
        if (index < 0 || index >= size) {
            throw new FieldNotFoundException("[" + index + "] (array size " + size + ")");
        }
        return RecordReader.tag(segment, 0, index);
    }

    private void expect(int index, int tag, FieldType type) {
        if (tag(index) != tag) {
            throw new FieldTypeException("[" + index + "]", type, typeOf(index));
        }
    }
}
