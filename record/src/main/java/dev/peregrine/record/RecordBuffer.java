package dev.peregrine.record;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A reusable, growable byte buffer that builders encode into ({@link RecordBuilder#buildInto},
 * {@link RecordBuilder#serializeInto}, {@link MutableRecord#copyInto}). It keeps its capacity between uses, so
 * a loop that encodes one record after another allocates only while the buffer grows to the largest record.
 *
 * <pre>{@code
 * RecordBuffer buffer = RecordBuffer.create();
 * for (Map<String, ?> event : events) {
 *     builder.serializeInto(event, buffer);                    // no allocation once warm
 *     buffer.writeTo(logSegment, position);                    // copy the bytes where they belong
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use one buffer per thread.
 */
public final class RecordBuffer {

    private byte[] array;
    private int length;

    private RecordBuffer(int capacity) {
        this.array = new byte[capacity];
    }

    /** A buffer with a small initial capacity (256 bytes). */
    public static RecordBuffer create() {
        return new RecordBuffer(256);
    }

    /** A buffer with {@code initialCapacity} bytes. */
    public static RecordBuffer create(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        return new RecordBuffer(initialCapacity);
    }

    /** The backing array; the content is {@code array()[0 .. length())}. Replaced when the buffer grows. */
    public byte[] array() {
        return array;
    }

    /** Number of valid bytes. */
    public int length() {
        return length;
    }

    /** Current capacity in bytes. */
    public int capacity() {
        return array.length;
    }

    /** Empties the buffer, keeping its capacity. */
    public void clear() {
        length = 0;
    }

    /** A segment over the valid bytes (a new view object, no copy). */
    public MemorySegment segment() {
        return MemorySegment.ofArray(array).asSlice(0, length);
    }

    /** A copy of the valid bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(array, length);
    }

    /**
     * A record holding a copy of the content, validated.
     *
     * @throws RecordFormatException if the content is not a valid record
     */
    public Record toRecord(FieldDictionary dictionary) {
        return Record.wrap(dictionary, toByteArray());
    }

    /** Copies the valid bytes into {@code target} at {@code offset} (no allocation). */
    public void writeTo(MemorySegment target, long offset) {
        MemorySegment.copy(array, 0, target, RecordReader.BYTE, offset, length);
    }

    /** Makes room for {@code capacity} bytes (keeping the content) and returns the backing array. */
    byte[] ensureCapacity(int capacity) {
        if (capacity > array.length) {
            array = Arrays.copyOf(array, Math.max(capacity, (int) Math.min(RecordLayout.MAX_LENGTH, array.length * 2L)));
        }
        return array;
    }

    void setLength(int length) {
        this.length = length;
    }

    /** Replaces the content with {@code source}'s bytes and returns their length. */
    int copyFrom(MemorySegment source) {
        int n = (int) source.byteSize();
        MemorySegment.copy(source, RecordReader.BYTE, 0, ensureCapacity(n), 0, n);
        length = n;
        return n;
    }

    /** Content hash of encoded bytes, shared by {@link Record} and {@link RecordArray}. */
    static int hash(MemorySegment segment) {
        long n = segment.byteSize();
        long h = 1;
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            h = 31 * h + segment.get(RecordReader.I64, i);
        }
        for (; i < n; i++) {
            h = 31 * h + segment.get(RecordReader.BYTE, i);
        }
        return Long.hashCode(h);
    }
}
