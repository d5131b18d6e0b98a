package dev.peregrine.record;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.function.BiConsumer;

/**
 * Builds records: fields in any order (they are sorted by field id when an object closes), nested objects and
 * arrays opened and closed in place, and the finished encoding either in a new {@link Record} ({@link #build()})
 * or in a caller's reusable {@link RecordBuffer} ({@link #buildInto}), which allocates nothing once the builder's
 * and the buffer's arrays have grown to the largest record seen.
 *
 * <pre>{@code
 * RecordBuilder b = RecordBuilder.create(dict);
 * Record event = b.put("ts", 1_700_000_000_000L).put("user", 42L).put("ok", true).put("kind", "login")
 *         .beginObject("geo").put("lat", 48.85).put("lon", 2.35).endObject()
 *         .beginArray("tags").add("a").add("b").endArray()
 *         .build();
 * }</pre>
 *
 * <p>A name given twice in one object is rejected with {@link DuplicateFieldException} when the object closes
 * (or at {@link #build}). After {@code build}, {@code buildInto} or any exception from them the builder is
 * empty and reusable; {@link #reset()} empties it explicitly. Strings must be valid Unicode (an unpaired
 * surrogate is an {@link IllegalArgumentException}), since the format stores strict UTF-8.
 *
 * <p>Not thread-safe: use one builder per thread.
 */
public final class RecordBuilder {

    private static final VarHandle I16 = LittleEndian.I16;
    private static final VarHandle I32 = LittleEndian.I32;
    private static final VarHandle I64 = LittleEndian.I64;
    /** Field id passed by package-private callers for an element of the open array. */
    static final int ARRAY_ELEMENT = -1;
    private static final int NAME_CACHE_SIZE = 64;

    private final FieldDictionary dictionary;
    // Made on the first map added: most builders never see one, and a capturing lambda per builder was
    // a measurable part of folding an entity's state per event.
    private BiConsumer<Object, Object> putEntry;

    private int maxRecordBytes = RecordLayout.MAX_LENGTH;
    private int maxDepth = RecordLayout.MAX_DEPTH;
    private int maxFieldsPerObject = RecordLayout.MAX_ENTRIES;
    private int maxArrayLength = RecordLayout.MAX_ENTRIES;

    // Value bytes of every open object/array, back to back. A closed nested object is replaced in place by its
    // finished encoding, so the region of an open frame always holds exactly its values.
    private byte[] data = new byte[128];
    private int dataLength;

    // Entries of every open frame: key (id | tag << 24; id -1 for array elements), value start and length.
    private int[] entryId = new int[16];
    private byte[] entryTag = new byte[16];
    private int[] entryStart = new int[16];
    private int[] entryLength = new int[16];
    private int entryCount;

    // Open frames; frame 0 is the root object.
    private int[] frameFirstEntry = new int[4];
    private int[] frameDataStart = new int[4];
    private int[] frameFieldId = new int[4];
    private boolean[] frameIsArray = new boolean[4];
    private int depth = 1;

    // Names seen recently, by hash: a name's id never changes, so this cache never goes stale and saves the
    // dictionary probe for the handful of names a builder sees over and over.
    private final String[] cachedNames = new String[NAME_CACHE_SIZE];
    private final int[] cachedIds = new int[NAME_CACHE_SIZE];

    // Scratch for sorting entries and for encoding a nested frame before it replaces its values.
    private long[] order = new long[16];
    private byte[] nested = new byte[64];

    private RecordBuilder(FieldDictionary dictionary) {
        this.dictionary = dictionary;
    }

    /** A builder for records whose field names are interned in {@code dictionary}. */
    public static RecordBuilder create(FieldDictionary dictionary) {
        return new RecordBuilder(dictionary);
    }

    /** The dictionary names are interned in. */
    public FieldDictionary dictionary() {
        return dictionary;
    }

    /** Applies JSON limits (package-private: the JSON codec's limits are checked while building). */
    RecordBuilder limits(JsonLimits limits) {
        this.maxRecordBytes = limits.maxRecordBytes();
        this.maxDepth = limits.maxDepth();
        this.maxFieldsPerObject = limits.maxFieldsPerObject();
        this.maxArrayLength = limits.maxArrayLength();
        return this;
    }

    /** Discards everything added since the last build. */
    public RecordBuilder reset() {
        dataLength = 0;
        entryCount = 0;
        depth = 1;
        return this;
    }

    // ---------------------------------------------------------------- object fields by name

    /** Adds an I64 field. */
    public RecordBuilder put(String name, long value) {
        return value(id(name), value);
    }

    /** Adds an F64 field. */
    public RecordBuilder put(String name, double value) {
        return value(id(name), value);
    }

    /** Adds a BOOL field. */
    public RecordBuilder put(String name, boolean value) {
        return value(id(name), value);
    }

    /**
     * Adds a number exactly, typed by the rule of {@link JsonNumbers}: I64, F64 when it is exactly its shortest
     * double, otherwise DECIMAL ({@code null} adds NULL).
     *
     * @throws NumberFormatException when the exponent is beyond {@link JsonNumbers#MAX_EXPONENT}
     */
    public RecordBuilder put(String name, BigDecimal value) {
        return put(id(name), value);
    }

    /** Adds a STRING field ({@code null} adds a NULL field). */
    public RecordBuilder put(String name, String value) {
        return put(id(name), value);
    }

    /** Adds a BYTES field ({@code null} adds a NULL field). */
    public RecordBuilder put(String name, byte[] value) {
        return put(id(name), value);
    }

    /** Adds an OBJECT field holding a copy of {@code value} (same dictionary; {@code null} adds NULL). */
    public RecordBuilder put(String name, Record value) {
        return put(id(name), value);
    }

    /** Adds an ARRAY field holding a copy of {@code value} (same dictionary; {@code null} adds NULL). */
    public RecordBuilder put(String name, RecordArray value) {
        return put(id(name), value);
    }

    /** Adds a NULL field. */
    public RecordBuilder putNull(String name) {
        return nullValue(id(name));
    }

    // ---------------------------------------------------------------- object fields by id

    /** Adds an I64 field by id (the id must be in the dictionary). */
    public RecordBuilder put(int fieldId, long value) {
        return value(checkId(fieldId), value);
    }

    /** Adds an F64 field by id. */
    public RecordBuilder put(int fieldId, double value) {
        return value(checkId(fieldId), value);
    }

    /** Adds a BOOL field by id. */
    public RecordBuilder put(int fieldId, boolean value) {
        return value(checkId(fieldId), value);
    }

    /** Adds a number by id, typed as {@link #put(String, BigDecimal)} does ({@code null} adds NULL). */
    public RecordBuilder put(int fieldId, BigDecimal value) {
        return value == null ? putNull(fieldId) : number(checkId(fieldId), value);
    }

    /** Adds a STRING field by id ({@code null} adds NULL). */
    public RecordBuilder put(int fieldId, String value) {
        return value == null ? putNull(fieldId) : string(checkId(fieldId), value);
    }

    /** Adds a BYTES field by id ({@code null} adds NULL). */
    public RecordBuilder put(int fieldId, byte[] value) {
        if (value == null) {
            return putNull(fieldId);
        }
        return bytes(checkId(fieldId), value);
    }

    /** Adds an OBJECT field by id holding a copy of {@code value} ({@code null} adds NULL). */
    public RecordBuilder put(int fieldId, Record value) {
        return value == null ? putNull(fieldId)
                : encoded(checkId(fieldId), RecordLayout.TAG_OBJECT, value.dictionary(), value.segment());
    }

    /** Adds an ARRAY field by id holding a copy of {@code value} ({@code null} adds NULL). */
    public RecordBuilder put(int fieldId, RecordArray value) {
        return value == null ? putNull(fieldId)
                : encoded(checkId(fieldId), RecordLayout.TAG_ARRAY, value.dictionary(), value.segment());
    }

    /** Adds a NULL field by id. */
    public RecordBuilder putNull(int fieldId) {
        return nullValue(checkId(fieldId));
    }

    // ---------------------------------------------------------------- array elements

    /** Appends an I64 element to the open array. */
    public RecordBuilder add(long value) {
        return value(ARRAY_ELEMENT, value);
    }

    /** Appends an F64 element. */
    public RecordBuilder add(double value) {
        return value(ARRAY_ELEMENT, value);
    }

    /** Appends a BOOL element. */
    public RecordBuilder add(boolean value) {
        return value(ARRAY_ELEMENT, value);
    }

    /** Appends a number element, typed as {@link #put(String, BigDecimal)} does ({@code null} appends NULL). */
    public RecordBuilder add(BigDecimal value) {
        return value == null ? addNull() : number(ARRAY_ELEMENT, value);
    }

    /** Appends a STRING element ({@code null} appends NULL). */
    public RecordBuilder add(String value) {
        return value == null ? addNull() : string(ARRAY_ELEMENT, value);
    }

    /** Appends a copy of a record as an OBJECT element ({@code null} appends NULL). */
    public RecordBuilder add(Record value) {
        return value == null ? addNull()
                : encoded(ARRAY_ELEMENT, RecordLayout.TAG_OBJECT, value.dictionary(), value.segment());
    }

    /** Appends a NULL element. */
    public RecordBuilder addNull() {
        return nullValue(ARRAY_ELEMENT);
    }

    // ---------------------------------------------------------------- nesting

    /** Opens a nested object stored under {@code name}; fill it, then {@link #endObject()}. */
    public RecordBuilder beginObject(String name) {
        return begin(id(name), false);
    }

    /** Opens a nested object as the next element of the open array. */
    public RecordBuilder beginObject() {
        return begin(ARRAY_ELEMENT, false);
    }

    /** Opens an array stored under {@code name}; fill it with {@code add...}, then {@link #endArray()}. */
    public RecordBuilder beginArray(String name) {
        return begin(id(name), true);
    }

    /** Opens an array as the next element of the open array. */
    public RecordBuilder beginArray() {
        return begin(ARRAY_ELEMENT, true);
    }

    /** Closes the innermost open object. */
    public RecordBuilder endObject() {
        return close(false);
    }

    /** Closes the innermost open array. */
    public RecordBuilder endArray() {
        return close(true);
    }

    // ---------------------------------------------------------------- bulk

    /**
     * Adds every entry of {@code fields}. Values map as: {@code null} to NULL; Boolean to BOOL; Long, Integer,
     * Short, Byte to I64; BigDecimal and BigInteger as {@link #put(String, BigDecimal)}; other Numbers to F64;
     * CharSequence to STRING; byte[] to BYTES; {@link Record} and
     * {@code Map<String, ?>} to OBJECT; {@link RecordArray} and {@code List<?>} to ARRAY.
     *
     * @throws IllegalArgumentException naming the field for a value of another class or a non-String key
     */
    public RecordBuilder withFields(Map<String, ?> fields) {
        fields.forEach(putEntry());
        return this;
    }

    private BiConsumer<Object, Object> putEntry() {
        if (putEntry == null) {
            putEntry = this::putMapEntry;
        }
        return putEntry;
    }

    /**
     * Encodes {@code source} (as {@link #withFields}) into {@code buffer}, replacing its content, and returns
     * the encoded length. With a reused builder and buffer this allocates nothing in steady state.
     */
    public int serializeInto(Map<String, ?> source, RecordBuffer buffer) {
        reset();
        try {
            withFields(source);
        } catch (RuntimeException e) {
            reset();
            throw e;
        }
        return buildInto(buffer);
    }

    // ---------------------------------------------------------------- finishing

    /** The finished record (a new array of exactly its size); the builder is then empty. */
    public Record build() {
        try {
            checkClosed();
            int size = frameSize(0);
            byte[] out = new byte[size];
            encodeFrame(0, out);
            return new Record(dictionary, MemorySegment.ofArray(out));
        } finally {
            reset();
        }
    }

    /**
     * Encodes the finished record into {@code buffer} (replacing its content) and returns its length; the
     * builder is then empty. Allocates nothing once both have grown to the record's size.
     */
    public int buildInto(RecordBuffer buffer) {
        try {
            checkClosed();
            int size = frameSize(0);
            encodeFrame(0, buffer.ensureCapacity(size));
            buffer.setLength(size);
            return size;
        } finally {
            reset();
        }
    }

    // ---------------------------------------------------------------- package-private helpers

    /** Adds a copy of entry {@code index} of the object/array at {@code base} in {@code source}. */
    RecordBuilder putEncoded(int fieldId, MemorySegment source, long base, int count, int index) {
        long start = RecordReader.valueStart(source, base, index);
        int length = (int) (RecordReader.valueEnd(source, base, count, index) - start);
        int at = slot(fieldId, RecordReader.tag(source, base, index), length);
        MemorySegment.copy(source, RecordReader.BYTE, start, data, at, length);
        return this;
    }

    /** Adds an I64 value under {@code fieldId} (or as an element: {@link #ARRAY_ELEMENT}). */
    RecordBuilder value(int fieldId, long value) {
        int at = slot(fieldId, RecordLayout.TAG_I64, 8); // before reading data: slot may replace the array
        I64.set(data, at, value);
        return this;
    }

    /** Adds an F64 value. */
    RecordBuilder value(int fieldId, double value) {
        int at = slot(fieldId, RecordLayout.TAG_F64, 8);
        I64.set(data, at, Double.doubleToRawLongBits(value));
        return this;
    }

    /** Adds a BOOL value: the tag is the value, no bytes. */
    RecordBuilder value(int fieldId, boolean value) {
        slot(fieldId, value ? RecordLayout.TAG_TRUE : RecordLayout.TAG_FALSE, 0);
        return this;
    }

    /**
     * Adds a DECIMAL value: {@code text} is a JSON number that {@link JsonNumbers#parse} accepted and typed as
     * a decimal, stored as its ASCII characters.
     */
    RecordBuilder decimal(int fieldId, String text) {
        int length = text.length();
        int at = slot(fieldId, RecordLayout.TAG_DECIMAL, length);
        for (int i = 0; i < length; i++) {
            data[at + i] = (byte) text.charAt(i);
        }
        return this;
    }

    /** Adds a number typed by {@link JsonNumbers}. */
    private RecordBuilder number(int fieldId, BigDecimal value) {
        String text = value.toString();
        return switch (JsonNumbers.parse(text)) {
            case Long l -> value(fieldId, l.longValue());
            case Double d -> value(fieldId, d.doubleValue());
            default -> decimal(fieldId, text);
        };
    }

    /** Adds a NULL value. */
    RecordBuilder nullValue(int fieldId) {
        slot(fieldId, RecordLayout.TAG_NULL, 0);
        return this;
    }

    /** Adds a STRING from a char array range (the JSON parser's text buffer), without a String. */
    RecordBuilder putChars(int fieldId, char[] text, int offset, int length) {
        int bytes = Utf8.encodedLength(text, offset, length);
        if (bytes < 0) {
            throw new IllegalArgumentException("string has an unpaired surrogate at index " + (-1 - bytes));
        }
        int at = slot(fieldId, RecordLayout.TAG_STRING, bytes);
        Utf8.encode(text, offset, length, data, at);
        return this;
    }

    /** Whether the innermost open frame is an array. */
    boolean inArray() {
        return frameIsArray[depth - 1];
    }

    /** Number of open frames, 1 when only the root object is open. */
    int depth() {
        return depth;
    }

    // ---------------------------------------------------------------- internals

    /** The id of {@code name}, interning it; see {@link #cachedNames}. */
    int id(String name) {
        int slot = name.hashCode() & (NAME_CACHE_SIZE - 1);
        String cached = cachedNames[slot];
        if (cached == name || name.equals(cached)) {
            return cachedIds[slot];
        }
        int id = dictionary.intern(name);
        cachedNames[slot] = name;
        cachedIds[slot] = id;
        return id;
    }

    private int checkId(int fieldId) {
        return RecordRules.checkId(dictionary, fieldId);
    }

    private RecordBuilder string(int fieldId, String value) {
        int bytes = Utf8.encodedLength(value);
        if (bytes < 0) {
            throw new IllegalArgumentException(label(fieldId) + ": string has an unpaired surrogate at index "
                    + (-1 - bytes));
        }
        int at = slot(fieldId, RecordLayout.TAG_STRING, bytes);
        Utf8.encode(value, data, at);
        return this;
    }

    private RecordBuilder bytes(int fieldId, byte[] value) {
        int at = slot(fieldId, RecordLayout.TAG_BYTES, value.length);
        System.arraycopy(value, 0, data, at, value.length);
        return this;
    }

    private RecordBuilder encoded(int fieldId, int tag, FieldDictionary source, MemorySegment bytes) {
        if (source != dictionary) {
            throw new IllegalArgumentException(label(fieldId) + ": the value uses another field dictionary");
        }
        int length = (int) bytes.byteSize();
        int at = slot(fieldId, tag, length);
        MemorySegment.copy(bytes, RecordReader.BYTE, 0, data, at, length);
        return this;
    }

    /**
     * Appends an entry to the innermost frame and reserves {@code length} value bytes; returns where they
     * start in {@link #data}.
     */
    private int slot(int fieldId, int tag, int length) {
        int frame = depth - 1;
        boolean array = frameIsArray[frame];
        if (array != (fieldId == ARRAY_ELEMENT)) {
            throw new IllegalStateException(array
                    ? "inside an array: append elements with add(...), or close it with endArray()"
                    : "inside an object: add fields with put(name, ...)");
        }
        int entries = entryCount - frameFirstEntry[frame];
        int max = array ? maxArrayLength : maxFieldsPerObject;
        if (entries >= max) {
            throw new RecordLimitException(array ? "number of elements in one array" : "number of fields in one object",
                    max);
        }
        int start = dataLength;
        long end = (long) start + length;
        if (end > maxRecordBytes) {
            throw new RecordLimitException("record size", maxRecordBytes);
        }
        if (end > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(RecordLayout.MAX_LENGTH, Math.max(end, data.length * 2L)));
        }
        if (entryCount == entryId.length) {
            int n = entryCount * 2;
            entryId = Arrays.copyOf(entryId, n);
            entryTag = Arrays.copyOf(entryTag, n);
            entryStart = Arrays.copyOf(entryStart, n);
            entryLength = Arrays.copyOf(entryLength, n);
        }
        entryId[entryCount] = fieldId;
        entryTag[entryCount] = (byte) tag;
        entryStart[entryCount] = start;
        entryLength[entryCount] = length;
        entryCount++;
        dataLength = (int) end;
        return start;
    }

    /** Opens a nested object or array under {@code fieldId} ({@link #ARRAY_ELEMENT} inside an array). */
    RecordBuilder begin(int fieldId, boolean array) {
        int frame = depth - 1;
        if (frameIsArray[frame] != (fieldId == ARRAY_ELEMENT)) {
            throw new IllegalStateException(frameIsArray[frame]
                    ? "inside an array: open nested values with beginObject() or beginArray()"
                    : "inside an object: open nested values with beginObject(name) or beginArray(name)");
        }
        if (depth >= maxDepth) {
            throw new RecordLimitException("nesting depth", maxDepth);
        }
        if (depth == frameFirstEntry.length) {
            int n = depth * 2;
            frameFirstEntry = Arrays.copyOf(frameFirstEntry, n);
            frameDataStart = Arrays.copyOf(frameDataStart, n);
            frameFieldId = Arrays.copyOf(frameFieldId, n);
            frameIsArray = Arrays.copyOf(frameIsArray, n);
        }
        frameFirstEntry[depth] = entryCount;
        frameDataStart[depth] = dataLength;
        frameFieldId[depth] = fieldId;
        frameIsArray[depth] = array;
        depth++;
        return this;
    }

    /** Closes the innermost nested object or array. */
    RecordBuilder close(boolean array) {
        int frame = depth - 1;
        if (frame == 0 || frameIsArray[frame] != array) {
            throw new IllegalStateException((array ? "endArray()" : "endObject()") + " without a matching "
                    + (array ? "beginArray" : "beginObject") + (frame == 0 ? "" : "; the innermost open value is an "
                    + (frameIsArray[frame] ? "array" : "object")));
        }
        int size = frameSize(frame);
        if (nested.length < size) {
            nested = new byte[Math.max(size, nested.length * 2)];
        }
        encodeFrame(frame, nested);
        // Drop the frame's entries and values, then add the finished encoding as one value of the parent.
        entryCount = frameFirstEntry[frame];
        dataLength = frameDataStart[frame];
        depth--;
        int at = slot(frameFieldId[frame], array ? RecordLayout.TAG_ARRAY : RecordLayout.TAG_OBJECT, size);
        System.arraycopy(nested, 0, data, at, size);
        return this;
    }

    private void checkClosed() {
        if (depth != 1) {
            throw new IllegalStateException((depth - 1) + " nested object(s) or array(s) still open: close them "
                    + "with endObject()/endArray() before building");
        }
    }

    private int frameSize(int frame) {
        int entries = entryCount - frameFirstEntry[frame];
        long size = (long) RecordLayout.dataOffset(entries) + (dataLength - frameDataStart[frame]);
        if (size > maxRecordBytes) {
            throw new RecordLimitException("record size", maxRecordBytes);
        }
        return (int) size;
    }

    /** Writes frame {@code frame}'s encoding at the start of {@code out} (sized by {@link #frameSize}). */
    private void encodeFrame(int frame, byte[] out) {
        int first = frameFirstEntry[frame];
        int n = entryCount - first;
        boolean array = frameIsArray[frame];
        int dataStart = frameDataStart[frame];
        int size = RecordLayout.dataOffset(n) + (dataLength - dataStart);
        out[RecordLayout.VERSION_OFFSET] = (byte) RecordLayout.FORMAT_VERSION;
        out[RecordLayout.KIND_OFFSET] = (byte) (array ? RecordLayout.KIND_ARRAY : RecordLayout.KIND_OBJECT);
        I16.set(out, RecordLayout.COUNT_OFFSET, (short) n);
        I32.set(out, RecordLayout.LENGTH_OFFSET, size);
        int pos = RecordLayout.dataOffset(n);
        if (array || inIdOrder(first, n)) {
            // Values are already in their final order (arrays always; objects whose fields came in id order,
            // the usual case for a repeated schema): write the table and move all values with one copy.
            int shift = pos - dataStart;
            for (int k = 0; k < n; k++) {
                int e = first + k;
                int entry = RecordLayout.entryOffset(k);
                I32.set(out, entry + RecordLayout.ENTRY_KEY_OFFSET, RecordLayout.key(array ? 0 : entryId[e], entryTag[e]));
                I32.set(out, entry + RecordLayout.ENTRY_VALUE_OFFSET_OFFSET, entryStart[e] + shift);
            }
            System.arraycopy(data, dataStart, out, pos, dataLength - dataStart);
            return;
        }
        sortEntries(first, n);
        for (int k = 0; k < n; k++) {
            int e = (int) order[k];
            int entry = RecordLayout.entryOffset(k);
            I32.set(out, entry + RecordLayout.ENTRY_KEY_OFFSET, RecordLayout.key(entryId[e], entryTag[e]));
            I32.set(out, entry + RecordLayout.ENTRY_VALUE_OFFSET_OFFSET, pos);
            int length = entryLength[e];
            System.arraycopy(data, entryStart[e], out, pos, length);
            pos += length;
        }
    }

    /** Whether the entries' ids strictly increase (so they need no sort and hold no duplicate). */
    private boolean inIdOrder(int first, int n) {
        for (int e = first + 1; e < first + n; e++) {
            if (entryId[e] <= entryId[e - 1]) {
                return false;
            }
        }
        return true;
    }

    /** Fills {@link #order} with an object frame's entry indexes sorted by field id; rejects duplicates. */
    private void sortEntries(int first, int n) {
        if (order.length < n) {
            order = new long[Math.max(n, order.length * 2)];
        }
        for (int k = 0; k < n; k++) {
            int e = first + k;
            order[k] = ((long) entryId[e] << 32) | e;
        }
        // Primitive sort: no allocation for the sizes an object can have (at most 65535 entries).
        Arrays.sort(order, 0, n);
        for (int k = 0; k < n; k++) {
            order[k] &= 0xFFFF_FFFFL;
            if (k > 0 && entryId[(int) order[k]] == entryId[(int) order[k - 1]]) {
                throw new DuplicateFieldException(Record.labelOf(dictionary, entryId[(int) order[k]]));
            }
        }
    }

    private String label(int fieldId) {
        return fieldId == ARRAY_ELEMENT ? "array element" : "field '" + Record.labelOf(dictionary, fieldId) + "'";
    }

    private void putMapEntry(Object key, Object value) {
        if (!(key instanceof String name)) {
            throw new IllegalArgumentException("field names must be strings, got " + describe(key));
        }
        putValue(id(name), value);
    }

    private void putValue(int fieldId, Object value) {
        switch (value) {
            case null -> nullValue(fieldId);
            case Boolean b -> value(fieldId, b.booleanValue());
            case Long l -> value(fieldId, l.longValue());
            case Integer i -> value(fieldId, (long) i);
            case Short s -> value(fieldId, (long) s);
            case Byte b -> value(fieldId, (long) b);
            case BigDecimal d -> number(fieldId, d);
            case BigInteger i -> number(fieldId, new BigDecimal(i));
            case Number n -> value(fieldId, n.doubleValue());
            case String s -> string(fieldId, s);
            case CharSequence s -> string(fieldId, s.toString());
            case byte[] bytes -> bytes(fieldId, bytes);
            case Record r -> encoded(fieldId, RecordLayout.TAG_OBJECT, r.dictionary(), r.segment());
            case RecordArray a -> encoded(fieldId, RecordLayout.TAG_ARRAY, a.dictionary(), a.segment());
            case Map<?, ?> map -> {
                begin(fieldId, false);
                map.forEach(putEntry());
                close(false);
            }
            case List<?> list -> {
                begin(fieldId, true);
                if (list instanceof RandomAccess) {
                    for (int i = 0, n = list.size(); i < n; i++) {
                        putValue(ARRAY_ELEMENT, list.get(i));
                    }
                } else {
                    for (Object element : list) {
                        putValue(ARRAY_ELEMENT, element);
                    }
                }
                close(true);
            }
            default -> throw new IllegalArgumentException(label(fieldId) + ": unsupported value " + describe(value));
        }
    }

    private static String describe(Object o) {
        return o == null ? "null" : "of " + o.getClass().getName();
    }
}
