package dev.peregrine.record;

import static dev.peregrine.record.RecordLayout.TAG_ARRAY;
import static dev.peregrine.record.RecordLayout.TAG_I64;
import static dev.peregrine.record.RecordLayout.TAG_NULL;
import static dev.peregrine.record.RecordLayout.TAG_OBJECT;
import static dev.peregrine.record.RecordLayout.TAG_STRING;
import static dev.peregrine.record.RecordLayout.TAG_TRUE;

import dev.peregrine.record.internal.TrustedRecords;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.util.BitSet;

/**
 * An immutable record: a view over encoded bytes (a {@code byte[]} or a {@link MemorySegment} slice, for example
 * of a mapped log file), bound to the {@link FieldDictionary} its field ids come from. The layout is described
 * in {@code docs/format.md}.
 *
 * <p>Reading never copies the record: getters by field id, by name (one dictionary lookup) and by
 * {@link FieldPath} ({@code user.address.city}, {@code items[2]}) search the sorted entry table of each object
 * on the way and return primitives without allocating. Strings, byte arrays and nested views are new objects.
 *
 * <p><b>Missing fields.</b> A getter without a default throws {@link FieldNotFoundException} for a missing
 * field and {@link FieldTypeException} for a field of another type; {@link #has} tests presence, and the getters
 * with a default ({@code getLong("n", 0)}) return it when the field is missing (but still throw on a wrong
 * type). A JSON {@code null} is a present field of type {@link FieldType#NULL}. {@link #getDouble} also reads
 * {@code I64} fields (exact up to 2^53), since JSON does not tell {@code 2} from {@code 2.0} reliably. A number
 * that neither type holds exactly is a {@link FieldType#DECIMAL}, read with {@link #getDecimal}.
 *
 * <p><b>Untrusted bytes</b> are validated once by {@link #wrap}; getters then trust the layout. The caller must
 * not modify the bytes after wrapping them (reads stay memory-safe, but values would change). A record over a
 * mapped file or other arena memory is readable while that arena is open; copy it ({@link #toByteArray()}) to
 * keep it longer.
 *
 * <p>Equality: two records are equal when they use the same dictionary instance and hold the same bytes, which
 * (the encoding being canonical) means the same fields with the same values; doubles compare by bits.
 *
 * <pre>{@code
 * FieldDictionary dict = FieldDictionary.create();
 * Record r = JsonCodec.defaults().parse(dict, "{\"user\":{\"name\":\"ada\"},\"n\":3}");
 * long n = r.getLong("n");                                     // 3
 * String name = r.getString(FieldPath.parse("user.name"));     // "ada"
 * }</pre>
 *
 * <p>Thread-safe (immutable).
 */
public final class Record {

    private final FieldDictionary dictionary;
    private final MemorySegment segment;
    private final int count;
    // For heap-backed records, the array and the record's offset in it: top-level reads use byte-array
    // VarHandles, measured faster than heap-segment reads. Null for off-heap (mapped) records.
    private final byte[] heap;
    private final int heapOffset;
    private int hash;

    static {
        // The store's unvalidated wrap and fold of its own log bytes; see TrustedRecords.
        TrustedRecords.install(Record::new, MergePatchFold::applyEncoded);
    }

    Record(FieldDictionary dictionary, MemorySegment segment) {
        this.dictionary = dictionary;
        this.segment = segment;
        this.count = RecordReader.count(segment, 0);
        if (segment.heapBase().orElse(null) instanceof byte[] array) {
            this.heap = array;
            this.heapOffset = (int) segment.address(); // a heap segment's address is its offset in the array
        } else {
            this.heap = null;
            this.heapOffset = 0;
        }
    }

    /**
     * Wraps encoded bytes without copying them, after validating them completely.
     *
     * @throws RecordFormatException naming the problem and its offset when the bytes are not a valid record
     *     whose field ids are all in {@code dictionary}
     */
    public static Record wrap(FieldDictionary dictionary, byte[] bytes) {
        return wrap(dictionary, MemorySegment.ofArray(bytes));
    }

    /**
     * Wraps an encoded record that fills {@code segment} exactly, without copying, after validating it.
     *
     * @throws RecordFormatException naming the problem and its offset when the bytes are not a valid record
     */
    public static Record wrap(FieldDictionary dictionary, MemorySegment segment) {
        RecordValidator.validateRecord(segment, dictionary.size());
        return new Record(dictionary, segment);
    }

    /** A record with no fields (8 header bytes: no builder is made for it). */
    public static Record empty(FieldDictionary dictionary) {
        byte[] header = new byte[RecordLayout.HEADER_LENGTH];
        header[RecordLayout.VERSION_OFFSET] = (byte) RecordLayout.FORMAT_VERSION;
        header[RecordLayout.KIND_OFFSET] = (byte) RecordLayout.KIND_OBJECT;
        LittleEndian.I32.set(header, RecordLayout.LENGTH_OFFSET, RecordLayout.HEADER_LENGTH);
        return new Record(dictionary, MemorySegment.ofArray(header));
    }

    /** The dictionary this record's field ids refer to. */
    public FieldDictionary dictionary() {
        return dictionary;
    }

    /** Number of top-level fields. */
    public int fieldCount() {
        return count;
    }

    // ---------------------------------------------------------------- presence and type

    /** Whether field {@code fieldId} is present (a null value counts as present). */
    public boolean has(int fieldId) {
        return find(fieldId) >= 0;
    }

    /** Whether field {@code name} is present. */
    public boolean has(String name) {
        return locate(name) >= 0;
    }

    /** Whether the value at {@code path} is present. */
    public boolean has(FieldPath path) {
        return RecordReader.locate(segment, dictionary, path) >= 0;
    }

    /**
     * The type of field {@code fieldId}.
     *
     * @throws FieldNotFoundException when absent
     */
    public FieldType typeOf(int fieldId) {
        return typeAt(find(fieldId), null, fieldId);
    }

    /** The type of field {@code name}; throws {@link FieldNotFoundException} when absent. */
    public FieldType typeOf(String name) {
        return typeAt(locate(name), name, -1);
    }

    /** The type of the value at {@code path}; throws {@link FieldNotFoundException} when absent. */
    public FieldType typeOf(FieldPath path) {
        return typeAt(RecordReader.locate(segment, dictionary, path), path.toString(), -1);
    }

    /** Whether field {@code fieldId} is present and null. */
    public boolean isNull(int fieldId) {
        int i = find(fieldId);
        return i >= 0 && RecordReader.tag(segment, 0, i) == TAG_NULL;
    }

    /** Whether field {@code name} is present and null. */
    public boolean isNull(String name) {
        long loc = locate(name);
        return loc >= 0 && tagAt(loc) == TAG_NULL;
    }

    // ---------------------------------------------------------------- I64

    /** The I64 field {@code fieldId}; throws {@link FieldNotFoundException} or {@link FieldTypeException}. */
    public long getLong(int fieldId) {
        return longAt(find(fieldId), null, fieldId);
    }

    /** The I64 field {@code name}; throws {@link FieldNotFoundException} or {@link FieldTypeException}. */
    public long getLong(String name) {
        return longAt(locate(name), name, -1);
    }

    /** The I64 value at {@code path}; throws {@link FieldNotFoundException} or {@link FieldTypeException}. */
    public long getLong(FieldPath path) {
        return longAt(RecordReader.locate(segment, dictionary, path), path.toString(), -1);
    }

    /** The I64 field {@code name}, or {@code defaultValue} when absent; throws {@link FieldTypeException}. */
    public long getLong(String name, long defaultValue) {
        long loc = locate(name);
        return loc < 0 ? defaultValue : longAt(loc, name, -1);
    }

    private long longAt(long loc, String label, int fieldId) {
        if (loc >= 0 && tagAt(loc) == TAG_I64) {
            return rawLongAt(loc);
        }
        throw failure(loc, label, fieldId, FieldType.I64);
    }

    /** The 8 value bytes at a location (top-level entries take the fast path). */
    private long rawLongAt(long loc) {
        return ValueLocation.isTopLevel(loc) ? topLong((int) loc)
                : RecordReader.readLong(segment, ValueLocation.base(loc), ValueLocation.index(loc));
    }

    // ---------------------------------------------------------------- F64

    /** The F64 (or I64, converted) field {@code fieldId}. */
    public double getDouble(int fieldId) {
        return doubleAt(find(fieldId), null, fieldId);
    }

    /** The F64 (or I64, converted) field {@code name}. */
    public double getDouble(String name) {
        return doubleAt(locate(name), name, -1);
    }

    /** The F64 (or I64, converted) value at {@code path}. */
    public double getDouble(FieldPath path) {
        return doubleAt(RecordReader.locate(segment, dictionary, path), path.toString(), -1);
    }

    /** The F64 (or I64) field {@code name}, or {@code defaultValue} when absent. */
    public double getDouble(String name, double defaultValue) {
        long loc = locate(name);
        return loc < 0 ? defaultValue : doubleAt(loc, name, -1);
    }

    private double doubleAt(long loc, String label, int fieldId) {
        if (loc >= 0) {
            int tag = tagAt(loc);
            if (RecordRules.isDouble(tag)) {
                return RecordRules.toDouble(tag, rawLongAt(loc));
            }
        }
        throw failure(loc, label, fieldId, FieldType.F64);
    }

    // ---------------------------------------------------------------- DECIMAL

    /**
     * The DECIMAL field {@code fieldId} (a number that is neither an I64 nor exactly an F64; see
     * {@link JsonNumbers}), parsed from its stored text.
     */
    public BigDecimal getDecimal(int fieldId) {
        return decimalAt(find(fieldId), null, fieldId);
    }

    /** The DECIMAL field {@code name}. */
    public BigDecimal getDecimal(String name) {
        return decimalAt(locate(name), name, -1);
    }

    /** The DECIMAL value at {@code path}. */
    public BigDecimal getDecimal(FieldPath path) {
        return decimalAt(RecordReader.locate(segment, dictionary, path), path.toString(), -1);
    }

    private BigDecimal decimalAt(long loc, String label, int fieldId) {
        if (loc >= 0 && tagAt(loc) == RecordLayout.TAG_DECIMAL) {
            long base = ValueLocation.base(loc);
            return RecordReader.readDecimal(segment, base, RecordReader.count(segment, base), ValueLocation.index(loc));
        }
        throw failure(loc, label, fieldId, FieldType.DECIMAL);
    }

    // ---------------------------------------------------------------- BOOL

    /** The BOOL field {@code fieldId}. */
    public boolean getBoolean(int fieldId) {
        return booleanAt(find(fieldId), null, fieldId);
    }

    /** The BOOL field {@code name}. */
    public boolean getBoolean(String name) {
        return booleanAt(locate(name), name, -1);
    }

    /** The BOOL value at {@code path}. */
    public boolean getBoolean(FieldPath path) {
        return booleanAt(RecordReader.locate(segment, dictionary, path), path.toString(), -1);
    }

    /** The BOOL field {@code name}, or {@code defaultValue} when absent. */
    public boolean getBoolean(String name, boolean defaultValue) {
        long loc = locate(name);
        return loc < 0 ? defaultValue : booleanAt(loc, name, -1);
    }

    private boolean booleanAt(long loc, String label, int fieldId) {
        if (loc >= 0) {
            int tag = tagAt(loc);
            if (RecordRules.isBoolean(tag)) {
                return tag == TAG_TRUE;
            }
        }
        throw failure(loc, label, fieldId, FieldType.BOOL);
    }

    // ---------------------------------------------------------------- STRING, BYTES

    /** The STRING field {@code fieldId} (decoded into a new String). */
    public String getString(int fieldId) {
        int i = find(fieldId);
        return stringAt(i, null, fieldId);
    }

    /** The STRING field {@code name}. */
    public String getString(String name) {
        return stringAt(locate(name), name, -1);
    }

    /** The STRING value at {@code path}. */
    public String getString(FieldPath path) {
        return stringAt(RecordReader.locate(segment, dictionary, path), path.toString(), -1);
    }

    /** The STRING field {@code name}, or {@code defaultValue} when absent. */
    public String getString(String name, String defaultValue) {
        long loc = locate(name);
        return loc < 0 ? defaultValue : stringAt(loc, name, -1);
    }

    private String stringAt(long loc, String label, int fieldId) {
        if (loc >= 0 && tagAt(loc) == TAG_STRING) {
            long base = ValueLocation.base(loc);
            return RecordReader.readString(segment, base, RecordReader.count(segment, base), ValueLocation.index(loc));
        }
        throw failure(loc, label, fieldId, FieldType.STRING);
    }

    /** A copy of the BYTES field {@code fieldId}. */
    public byte[] getBytes(int fieldId) {
        return bytesAt(find(fieldId), null, fieldId);
    }

    /** A copy of the BYTES field {@code name}. */
    public byte[] getBytes(String name) {
        return bytesAt(locate(name), name, -1);
    }

    private byte[] bytesAt(long loc, String label, int fieldId) {
        if (loc >= 0 && tagAt(loc) == RecordLayout.TAG_BYTES) {
            long base = ValueLocation.base(loc);
            return RecordReader.readBytes(segment, base, RecordReader.count(segment, base), ValueLocation.index(loc));
        }
        throw failure(loc, label, fieldId, FieldType.BYTES);
    }

    // ---------------------------------------------------------------- OBJECT, ARRAY

    /** A view (no copy) of the OBJECT field {@code fieldId}. */
    public Record getRecord(int fieldId) {
        return recordAt(find(fieldId), null, fieldId);
    }

    /** A view (no copy) of the OBJECT field {@code name}. */
    public Record getRecord(String name) {
        return recordAt(locate(name), name, -1);
    }

    /** A view (no copy) of the OBJECT at {@code path}. */
    public Record getRecord(FieldPath path) {
        return recordAt(RecordReader.locate(segment, dictionary, path), path.toString(), -1);
    }

    private Record recordAt(long loc, String label, int fieldId) {
        if (loc >= 0 && tagAt(loc) == TAG_OBJECT) {
            return new Record(dictionary, sliceAt(loc));
        }
        throw failure(loc, label, fieldId, FieldType.OBJECT);
    }

    /** A view (no copy) of the ARRAY field {@code fieldId}. */
    public RecordArray getArray(int fieldId) {
        return arrayAt(find(fieldId), null, fieldId);
    }

    /** A view (no copy) of the ARRAY field {@code name}. */
    public RecordArray getArray(String name) {
        return arrayAt(locate(name), name, -1);
    }

    /** A view (no copy) of the ARRAY at {@code path}. */
    public RecordArray getArray(FieldPath path) {
        return arrayAt(RecordReader.locate(segment, dictionary, path), path.toString(), -1);
    }

    private RecordArray arrayAt(long loc, String label, int fieldId) {
        if (loc >= 0 && tagAt(loc) == TAG_ARRAY) {
            return new RecordArray(dictionary, sliceAt(loc));
        }
        throw failure(loc, label, fieldId, FieldType.ARRAY);
    }

    // ---------------------------------------------------------------- whole-record operations

    /**
     * Calls {@code visitor} once per field in field-id order, with one cursor re-pointed at each field (no
     * allocation per field; do not keep the cursor).
     */
    public void forEachField(FieldVisitor visitor) {
        FieldCursor cursor = new FieldCursor(dictionary, segment, 0, count);
        for (int i = 0; i < count; i++) {
            cursor.moveTo(i);
            visitor.visit(cursor);
        }
    }

    /**
     * Adds to {@code out} the id of every field name this record uses, in nested objects and in objects inside
     * arrays too: the names the record would add to a dictionary that lacks them. Ids are this record's
     * {@linkplain #dictionary() dictionary}'s (provisional ones for a record of a draft).
     */
    public void collectFieldIds(BitSet out) {
        FieldIds.collect(segment, 0, out);
    }

    /** A new record holding only those of {@code names} that are present (missing names are skipped). */
    public Record project(String... names) {
        RecordBuilder builder = RecordBuilder.create(dictionary);
        for (String name : names) {
            int index = find(name);
            if (index >= 0) {
                builder.putEncoded(dictionary.idOf(name), segment, 0, count, index);
            }
        }
        return builder.build();
    }

    /** The record as compact JSON (see {@link JsonCodec} for the mapping). */
    public String toJson() {
        return JsonCodec.defaults().toJson(this);
    }

    /** Encoded size in bytes. */
    public int sizeInBytes() {
        return (int) segment.byteSize();
    }

    /** A copy of the encoded bytes. */
    public byte[] toByteArray() {
        return segment.toArray(RecordReader.BYTE);
    }

    /** The encoded bytes (not a copy; do not modify). */
    public MemorySegment segment() {
        return segment;
    }

    /** Copies the encoded bytes into {@code buffer} (replacing its content) and returns the length. */
    public int copyInto(RecordBuffer buffer) {
        return buffer.copyFrom(segment);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Record r && r.dictionary == dictionary && r.segment.byteSize() == segment.byteSize()
                && segment.mismatch(r.segment) < 0;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = RecordBuffer.hash(segment);
            hash = h;
        }
        return h;
    }

    /** Same as {@link #toJson()}. */
    @Override
    public String toString() {
        return toJson();
    }

    // ---------------------------------------------------------------- internals

    /** The {@link ValueLocation} of top-level field {@code name}: its entry index, or negative. */
    private long locate(String name) {
        return find(name);
    }

    /** Entry index of top-level field {@code name}, or -1. */
    private int find(String name) {
        int id = dictionary.idOf(name);
        return id < 0 ? -1 : find(id);
    }

    private int tagAt(long loc) {
        return ValueLocation.isTopLevel(loc) ? topTag((int) loc)
                : RecordReader.tag(segment, ValueLocation.base(loc), ValueLocation.index(loc));
    }

    /** Index of top-level field {@code fieldId}, or -1. */
    private int find(int fieldId) {
        byte[] array = heap;
        return array != null ? RecordReader.find(array, heapOffset, count, fieldId)
                : RecordReader.find(segment, 0, count, fieldId);
    }

    /** Tag of top-level entry {@code index}. */
    private int topTag(int index) {
        int at = RecordLayout.entryOffset(index) + RecordLayout.ENTRY_TAG_OFFSET;
        byte[] array = heap;
        return array != null ? array[heapOffset + at] : segment.get(RecordReader.BYTE, at);
    }

    /** The 8 value bytes of top-level entry {@code index} (an I64 or the bits of an F64). */
    private long topLong(int index) {
        int at = RecordLayout.entryOffset(index) + RecordLayout.ENTRY_VALUE_OFFSET_OFFSET;
        byte[] array = heap;
        if (array != null) {
            return (long) LittleEndian.I64.get(array, heapOffset + (int) LittleEndian.I32.get(array, heapOffset + at));
        }
        return segment.get(RecordReader.I64, segment.get(RecordReader.I32, at));
    }

    private MemorySegment sliceAt(long loc) {
        long base = ValueLocation.base(loc);
        return RecordReader.valueSlice(segment, base, RecordReader.count(segment, base), ValueLocation.index(loc));
    }

    private FieldType typeAt(long loc, String label, int fieldId) {
        if (loc >= 0) {
            return FieldType.ofTag(tagAt(loc));
        }
        throw failure(loc, label, fieldId, null);
    }

    /** The exception for a missing field (loc &lt; 0) or a field of the wrong type; never on the fast path. */
    private RecordException failure(long loc, String label, int fieldId, FieldType expected) {
        String field = label != null ? label : labelOf(dictionary, fieldId);
        if (loc < 0) {
            return new FieldNotFoundException(field);
        }
        return new FieldTypeException(field, expected, FieldType.ofTag(tagAt(loc)));
    }

    static String labelOf(FieldDictionary dictionary, int fieldId) {
        return fieldId >= 0 && fieldId < dictionary.size() ? dictionary.nameOf(fieldId) : "#" + fieldId;
    }
}
