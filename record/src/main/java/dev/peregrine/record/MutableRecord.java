package dev.peregrine.record;

import static dev.peregrine.record.RecordLayout.ENTRY_LENGTH;
import static dev.peregrine.record.RecordLayout.ENTRY_TAG_OFFSET;
import static dev.peregrine.record.RecordLayout.ENTRY_VALUE_OFFSET_OFFSET;
import static dev.peregrine.record.RecordLayout.TAG_FALSE;
import static dev.peregrine.record.RecordLayout.TAG_F64;
import static dev.peregrine.record.RecordLayout.TAG_I64;
import static dev.peregrine.record.RecordLayout.TAG_NULL;
import static dev.peregrine.record.RecordLayout.TAG_STRING;
import static dev.peregrine.record.RecordLayout.TAG_TRUE;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A record that changes in place: the same encoding as {@link Record}, in a growable array owned by this object.
 *
 * <p><b>Generation.</b> Writes that keep the layout happen in place and leave {@link #generation()} unchanged:
 * an I64 over an I64, an F64 over an F64, a boolean over a boolean, null over null, and a string over a string
 * of the same UTF-8 length. Every other change (adding or removing a field, changing a field's type, a string
 * or other value of another length, {@link #retain}, {@link #drain}) splices the bytes and increments the
 * generation, which makes every outstanding {@link FieldSlot} stale: using one then throws
 * {@link StaleFieldSlotException}.
 *
 * <pre>{@code
 * MutableRecord m = MutableRecord.copyOf(record);
 * FieldSlot version = m.resolve("version");
 * version.setLong(version.getLong() + 1);          // in place, slot stays valid
 * m.setString("status", "archived");               // may splice: re-resolve slots after
 * Record updated = m.toRecord();
 * }</pre>
 *
 * <p>Setters add a missing field. Getters behave as {@link Record}'s (missing: {@link FieldNotFoundException}).
 * Not thread-safe.
 */
public final class MutableRecord {

    private static final VarHandle I16 = LittleEndian.I16;
    private static final VarHandle I32 = LittleEndian.I32;
    private static final VarHandle I64 = LittleEndian.I64;

    private final FieldDictionary dictionary;
    private byte[] buffer;
    private MemorySegment segment;
    private int length;
    private int count;
    private int generation;

    private MutableRecord(FieldDictionary dictionary, byte[] buffer, int length) {
        this.dictionary = dictionary;
        this.buffer = buffer;
        this.segment = MemorySegment.ofArray(buffer);
        this.length = length;
        this.count = RecordReader.count(segment, 0);
    }

    /** An empty mutable record. */
    public static MutableRecord create(FieldDictionary dictionary) {
        MutableRecord record = new MutableRecord(dictionary, new byte[64], 0);
        record.clear();
        return record;
    }

    /** A mutable copy of {@code record}. */
    public static MutableRecord copyOf(Record record) {
        int size = record.sizeInBytes();
        byte[] bytes = new byte[Math.max(64, size + size / 2)];
        MemorySegment.copy(record.segment(), RecordReader.BYTE, 0, bytes, 0, size);
        return new MutableRecord(record.dictionary(), bytes, size);
    }

    /** The dictionary of this record's field ids. */
    public FieldDictionary dictionary() {
        return dictionary;
    }

    /** The layout generation: incremented by every splice, unchanged by in-place writes. */
    public int generation() {
        return generation;
    }

    /** Number of top-level fields. */
    public int fieldCount() {
        return count;
    }

    /** Encoded size in bytes. */
    public int sizeInBytes() {
        return length;
    }

    // ---------------------------------------------------------------- slots

    /**
     * A slot for O(1) typed access to field {@code name}, valid until the next layout change.
     *
     * @throws FieldNotFoundException when the field is absent
     */
    public FieldSlot resolve(String name) {
        int id = dictionary.idOf(name);
        if (id < 0) {
            throw new FieldNotFoundException(name);
        }
        return resolve(id);
    }

    /** A slot for field {@code fieldId}; see {@link #resolve(String)}. */
    public FieldSlot resolve(int fieldId) {
        int i = find(fieldId);
        if (i < 0) {
            throw new FieldNotFoundException(Record.labelOf(dictionary, fieldId));
        }
        return new FieldSlot(this, fieldId, dictionary.nameOf(fieldId), i);
    }

    // ---------------------------------------------------------------- reads

    /** Whether field {@code name} is present. */
    public boolean has(String name) {
        int id = dictionary.idOf(name);
        return id >= 0 && find(id) >= 0;
    }

    /** Whether field {@code fieldId} is present. */
    public boolean has(int fieldId) {
        return find(fieldId) >= 0;
    }

    /** The type of field {@code name}; throws {@link FieldNotFoundException} when absent. */
    public FieldType typeOf(String name) {
        return FieldType.ofTag(tag(existing(name)));
    }

    /** The type of field {@code fieldId}; throws {@link FieldNotFoundException} when absent. */
    public FieldType typeOf(int fieldId) {
        return FieldType.ofTag(tag(existing(fieldId)));
    }

    /** The I64 field {@code name}. */
    public long getLong(String name) {
        return longAt(existing(name));
    }

    /** The I64 field {@code fieldId}. */
    public long getLong(int fieldId) {
        return longAt(existing(fieldId));
    }

    /** The F64 (or I64, converted) field {@code name}. */
    public double getDouble(String name) {
        return doubleAt(existing(name));
    }

    /** The F64 (or I64, converted) field {@code fieldId}. */
    public double getDouble(int fieldId) {
        return doubleAt(existing(fieldId));
    }

    /** The BOOL field {@code name}. */
    public boolean getBoolean(String name) {
        return booleanAt(existing(name));
    }

    /** The BOOL field {@code fieldId}. */
    public boolean getBoolean(int fieldId) {
        return booleanAt(existing(fieldId));
    }

    /** The STRING field {@code name}. */
    public String getString(String name) {
        return stringAt(existing(name));
    }

    /** The STRING field {@code fieldId}. */
    public String getString(int fieldId) {
        return stringAt(existing(fieldId));
    }

    private long longAt(int i) {
        expect(i, TAG_I64, FieldType.I64);
        return (long) I64.get(buffer, valueStart(i));
    }

    private double doubleAt(int i) {
        int tag = tag(i);
        if (!RecordRules.isDouble(tag)) {
            throw typeError(i, FieldType.F64);
        }
        return RecordRules.toDouble(tag, (long) I64.get(buffer, valueStart(i)));
    }

    private boolean booleanAt(int i) {
        int tag = tag(i);
        if (!RecordRules.isBoolean(tag)) {
            throw typeError(i, FieldType.BOOL);
        }
        return tag == TAG_TRUE;
    }

    private String stringAt(int i) {
        expect(i, TAG_STRING, FieldType.STRING);
        return Utf8.decode(buffer, valueStart(i), valueEnd(i) - valueStart(i));
    }

    // ---------------------------------------------------------------- writes by name

    /** Sets (or adds) an I64 field; in place when it already is an I64. */
    public MutableRecord setLong(String name, long value) {
        return setLong(dictionary.intern(name), value);
    }

    /** Sets (or adds) an F64 field; in place when it already is an F64. */
    public MutableRecord setDouble(String name, double value) {
        return setDouble(dictionary.intern(name), value);
    }

    /** Sets (or adds) a BOOL field; in place when it already is a BOOL. */
    public MutableRecord setBoolean(String name, boolean value) {
        return setBoolean(dictionary.intern(name), value);
    }

    /** Sets (or adds) a STRING field; in place when the UTF-8 length is unchanged. {@code null} sets NULL. */
    public MutableRecord setString(String name, String value) {
        return setString(dictionary.intern(name), value);
    }

    /** Sets (or adds) a NULL field. */
    public MutableRecord setNull(String name) {
        return setNull(dictionary.intern(name));
    }

    /** Sets (or adds) a BYTES field (always a splice unless the length is unchanged). */
    public MutableRecord setBytes(String name, byte[] value) {
        int id = dictionary.intern(name);
        int at = place(find(id), id, RecordLayout.TAG_BYTES, value.length);
        System.arraycopy(value, 0, buffer, at, value.length);
        return this;
    }

    /** Sets (or adds) an OBJECT field holding a copy of {@code value} (same dictionary). */
    public MutableRecord setRecord(String name, Record value) {
        return setEncoded(name, RecordLayout.TAG_OBJECT, value.dictionary(), value.segment());
    }

    /** Sets (or adds) an ARRAY field holding a copy of {@code value} (same dictionary). */
    public MutableRecord setArray(String name, RecordArray value) {
        return setEncoded(name, RecordLayout.TAG_ARRAY, value.dictionary(), value.segment());
    }

    /** Removes field {@code name}; returns whether it was present. */
    public boolean remove(String name) {
        int id = dictionary.idOf(name);
        return id >= 0 && remove(id);
    }

    // ---------------------------------------------------------------- writes by id

    /** Sets (or adds) an I64 field by id. */
    public MutableRecord setLong(int fieldId, long value) {
        int i = find(fieldId);
        int at = i >= 0 && tag(i) == TAG_I64 ? valueStart(i) : place(i, checkId(fieldId), TAG_I64, 8);
        I64.set(buffer, at, value);
        return this;
    }

    /** Sets (or adds) an F64 field by id. */
    public MutableRecord setDouble(int fieldId, double value) {
        int i = find(fieldId);
        int at = i >= 0 && tag(i) == TAG_F64 ? valueStart(i) : place(i, checkId(fieldId), TAG_F64, 8);
        I64.set(buffer, at, Double.doubleToRawLongBits(value));
        return this;
    }

    /** Sets (or adds) a BOOL field by id. */
    public MutableRecord setBoolean(int fieldId, boolean value) {
        int i = find(fieldId);
        int tag = value ? TAG_TRUE : TAG_FALSE;
        if (i >= 0 && (tag(i) == TAG_TRUE || tag(i) == TAG_FALSE)) {
            buffer[RecordLayout.entryOffset(i) + ENTRY_TAG_OFFSET] = (byte) tag;
        } else {
            place(i, checkId(fieldId), tag, 0);
        }
        return this;
    }

    /** Sets (or adds) a STRING field by id. */
    public MutableRecord setString(int fieldId, String value) {
        if (value == null) {
            return setNull(fieldId);
        }
        int bytes = Utf8.encodedLength(value);
        if (bytes < 0) {
            throw new IllegalArgumentException("field '" + Record.labelOf(dictionary, fieldId)
                    + "': string has an unpaired surrogate at index " + (-1 - bytes));
        }
        int i = find(fieldId);
        int at = i >= 0 && tag(i) == TAG_STRING && valueEnd(i) - valueStart(i) == bytes
                ? valueStart(i) : place(i, checkId(fieldId), TAG_STRING, bytes);
        Utf8.encode(value, buffer, at);
        return this;
    }

    /** Sets (or adds) a NULL field by id. */
    public MutableRecord setNull(int fieldId) {
        int i = find(fieldId);
        if (i < 0 || tag(i) != TAG_NULL) {
            place(i, checkId(fieldId), TAG_NULL, 0);
        }
        return this;
    }

    /** Removes field {@code fieldId}; returns whether it was present. */
    public boolean remove(int fieldId) {
        int i = find(fieldId);
        if (i < 0) {
            return false;
        }
        generation++;
        delete(i);
        return true;
    }

    // ---------------------------------------------------------------- bulk

    /** Removes every field {@code filter} rejects; returns how many were removed. */
    public int retain(FieldFilter filter) {
        int removed = 0;
        for (int i = count - 1; i >= 0; i--) {
            int id = RecordReader.id(segment, 0, i);
            if (!filter.keep(id, dictionary.nameOf(id), FieldType.ofTag(tag(i)))) {
                delete(i);
                removed++;
            }
        }
        if (removed > 0) {
            generation++;
        }
        return removed;
    }

    /** Returns the current fields as an immutable record and leaves this record empty (a layout change). */
    public Record drain() {
        Record all = toRecord();
        if (count > 0) {
            generation++;
        }
        clear();
        return all;
    }

    /** An immutable copy of the current content. */
    public Record toRecord() {
        return new Record(dictionary, MemorySegment.ofArray(Arrays.copyOf(buffer, length)));
    }

    /** Copies the current encoding into {@code target} (replacing its content); returns the length. */
    public int copyInto(RecordBuffer target) {
        System.arraycopy(buffer, 0, target.ensureCapacity(length), 0, length);
        target.setLength(length);
        return length;
    }

    /** The content as JSON. */
    public String toJson() {
        return JsonCodec.defaults().toJson(toRecord());
    }

    @Override
    public String toString() {
        return toJson();
    }

    // ---------------------------------------------------------------- package-private, for FieldSlot

    byte[] buffer() {
        return buffer;
    }

    int find(int fieldId) {
        return RecordReader.find(buffer, 0, count, fieldId);
    }

    int tag(int index) {
        return buffer[RecordLayout.entryOffset(index) + ENTRY_TAG_OFFSET];
    }

    int valueStart(int index) {
        return (int) I32.get(buffer, RecordLayout.entryOffset(index) + ENTRY_VALUE_OFFSET_OFFSET);
    }

    int valueEnd(int index) {
        return index + 1 < count ? valueStart(index + 1) : length;
    }

    // ---------------------------------------------------------------- splicing

    private int existing(String name) {
        int id = dictionary.idOf(name);
        int i = id < 0 ? -1 : find(id);
        if (i < 0) {
            throw new FieldNotFoundException(name);
        }
        return i;
    }

    private int existing(int fieldId) {
        int i = find(fieldId);
        if (i < 0) {
            throw new FieldNotFoundException(Record.labelOf(dictionary, fieldId));
        }
        return i;
    }

    private void expect(int index, int tag, FieldType type) {
        if (tag(index) != tag) {
            throw typeError(index, type);
        }
    }

    private FieldTypeException typeError(int index, FieldType expected) {
        return new FieldTypeException(dictionary.nameOf(RecordReader.id(segment, 0, index)), expected,
                FieldType.ofTag(tag(index)));
    }

    private int checkId(int fieldId) {
        return RecordRules.checkId(dictionary, fieldId);
    }

    private MutableRecord setEncoded(String name, int tag, FieldDictionary source, MemorySegment bytes) {
        if (source != dictionary) {
            throw new IllegalArgumentException("field '" + name + "': the value uses another field dictionary");
        }
        int id = dictionary.intern(name);
        int size = (int) bytes.byteSize();
        int at = place(find(id), id, tag, size); // before reading buffer: a splice may replace it
        MemorySegment.copy(bytes, RecordReader.BYTE, 0, buffer, at, size);
        return this;
    }

    private void clear() {
        buffer[RecordLayout.VERSION_OFFSET] = (byte) RecordLayout.FORMAT_VERSION;
        buffer[RecordLayout.KIND_OFFSET] = (byte) RecordLayout.KIND_OBJECT;
        count = 0;
        length = RecordLayout.HEADER_LENGTH;
        writeHeader();
    }

    private void writeHeader() {
        I16.set(buffer, RecordLayout.COUNT_OFFSET, (short) count);
        I32.set(buffer, RecordLayout.LENGTH_OFFSET, length);
    }

    private void ensureCapacity(long needed) {
        if (needed > RecordLayout.MAX_LENGTH) {
            throw new RecordLimitException("record size", RecordLayout.MAX_LENGTH);
        }
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(RecordLayout.MAX_LENGTH, Math.max(needed, buffer.length * 2L)));
            segment = MemorySegment.ofArray(buffer);
        }
    }

    private void shiftOffsets(int from, int to, int delta) {
        for (int j = from; j < to; j++) {
            int at = RecordLayout.entryOffset(j) + ENTRY_VALUE_OFFSET_OFFSET;
            I32.set(buffer, at, (int) I32.get(buffer, at) + delta);
        }
    }

    /**
     * Gives entry {@code index} (or, when negative, a new entry for {@code fieldId} at its sorted position) a
     * value of {@code size} bytes with tag {@code tag}, moving the bytes after it; returns where the caller
     * writes the value. Always a layout change.
     */
    private int place(int index, int fieldId, int tag, int size) {
        generation++;
        if (index >= 0) {
            int start = valueStart(index);
            int oldEnd = valueEnd(index);
            int delta = size - (oldEnd - start);
            ensureCapacity((long) length + delta);
            System.arraycopy(buffer, oldEnd, buffer, start + size, length - oldEnd);
            shiftOffsets(index + 1, count, delta);
            I32.set(buffer, RecordLayout.entryOffset(index), RecordLayout.key(fieldId, tag));
            length += delta;
            writeHeader();
            return start;
        }
        if (count == RecordLayout.MAX_ENTRIES) {
            throw new RecordLimitException("number of fields in one object", RecordLayout.MAX_ENTRIES);
        }
        int at = insertionPoint(fieldId);
        int pos = at < count ? valueStart(at) : length;
        ensureCapacity((long) length + ENTRY_LENGTH + size);
        int entry = RecordLayout.entryOffset(at);
        // Values after the insertion point move by a whole entry plus the new value; the entries from the
        // insertion point and the values before it move by one entry.
        System.arraycopy(buffer, pos, buffer, pos + ENTRY_LENGTH + size, length - pos);
        System.arraycopy(buffer, entry, buffer, entry + ENTRY_LENGTH, pos - entry);
        count++;
        length += ENTRY_LENGTH + size;
        shiftOffsets(0, at, ENTRY_LENGTH);
        shiftOffsets(at + 1, count, ENTRY_LENGTH + size);
        I32.set(buffer, entry, RecordLayout.key(fieldId, tag));
        I32.set(buffer, entry + ENTRY_VALUE_OFFSET_OFFSET, pos + ENTRY_LENGTH);
        writeHeader();
        return pos + ENTRY_LENGTH;
    }

    private int insertionPoint(int fieldId) {
        int at = 0;
        while (at < count && RecordReader.id(segment, 0, at) < fieldId) {
            at++;
        }
        return at;
    }

    /** Removes entry {@code index} and its value (the caller bumps the generation). */
    private void delete(int index) {
        int start = valueStart(index);
        int end = valueEnd(index);
        int size = end - start;
        int entry = RecordLayout.entryOffset(index);
        System.arraycopy(buffer, entry + ENTRY_LENGTH, buffer, entry, start - entry - ENTRY_LENGTH);
        System.arraycopy(buffer, end, buffer, start - ENTRY_LENGTH, length - end);
        count--;
        length -= ENTRY_LENGTH + size;
        shiftOffsets(0, index, -ENTRY_LENGTH);
        shiftOffsets(index, count, -ENTRY_LENGTH - size);
        writeHeader();
    }
}
