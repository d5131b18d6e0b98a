package dev.peregrine.record;

import static dev.peregrine.record.RecordLayout.COUNT_OFFSET;
import static dev.peregrine.record.RecordLayout.ENTRY_KEY_OFFSET;
import static dev.peregrine.record.RecordLayout.ENTRY_LENGTH;
import static dev.peregrine.record.RecordLayout.ENTRY_TAG_OFFSET;
import static dev.peregrine.record.RecordLayout.ENTRY_VALUE_OFFSET_OFFSET;
import static dev.peregrine.record.RecordLayout.HEADER_LENGTH;
import static dev.peregrine.record.RecordLayout.ID_MASK;
import static dev.peregrine.record.RecordLayout.LENGTH_OFFSET;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.ByteOrder;

/**
 * Plain reads of validated encodings: every method takes the segment and the offset ({@code base}) of the
 * object or array's first header byte, so nested values are read in place. No method checks bounds beyond what
 * {@link MemorySegment} does: callers only pass bytes that {@link RecordValidator} accepted or that a builder
 * wrote. All accesses are plain (records are immutable or confined to one thread).
 */
final class RecordReader {

    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Up to this many entries a linear scan is used; above it binary search, which already needs fewer probes
     * at 8 entries (3 against up to 8) and keeps by-id lookup flat for the last field of a record.
     */
    private static final int LINEAR_SEARCH_MAX = 4;

    private RecordReader() {
    }

    static int count(MemorySegment seg, long base) {
        return seg.get(U16, base + COUNT_OFFSET) & 0xFFFF;
    }

    static int length(MemorySegment seg, long base) {
        return seg.get(I32, base + LENGTH_OFFSET);
    }

    /** Index of the entry with field id {@code id} in the object at {@code base}, or -1. */
    static int find(MemorySegment seg, long base, int count, int id) {
        long entries = base + HEADER_LENGTH + ENTRY_KEY_OFFSET;
        if (count <= LINEAR_SEARCH_MAX) {
            for (int i = 0; i < count; i++) {
                int key = seg.get(I32, entries + (long) i * ENTRY_LENGTH) & ID_MASK;
                if (key >= id) {
                    return key == id ? i : -1;
                }
            }
            return -1;
        }
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int key = seg.get(I32, entries + (long) mid * ENTRY_LENGTH) & ID_MASK;
            if (key < id) {
                lo = mid + 1;
            } else if (key > id) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /**
     * {@link #find(MemorySegment, long, int, int)} over a heap array holding the object at {@code base}. Kept
     * beside the segment version because byte-array VarHandle reads measured faster than heap-segment reads on
     * JDK 25 for this short loop (docs/benchmarks/record.md), and by-id lookup is the hottest read.
     */
    static int find(byte[] array, int base, int count, int id) {
        int entries = base + HEADER_LENGTH + ENTRY_KEY_OFFSET;
        if (count <= LINEAR_SEARCH_MAX) {
            for (int i = 0; i < count; i++) {
                int key = (int) LittleEndian.I32.get(array, entries + i * ENTRY_LENGTH) & ID_MASK;
                if (key >= id) {
                    return key == id ? i : -1;
                }
            }
            return -1;
        }
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int key = (int) LittleEndian.I32.get(array, entries + mid * ENTRY_LENGTH) & ID_MASK;
            if (key < id) {
                lo = mid + 1;
            } else if (key > id) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    static int id(MemorySegment seg, long base, int index) {
        return seg.get(I32, base + RecordLayout.entryOffset(index) + ENTRY_KEY_OFFSET) & ID_MASK;
    }

    static int tag(MemorySegment seg, long base, int index) {
        return seg.get(BYTE, base + RecordLayout.entryOffset(index) + ENTRY_TAG_OFFSET);
    }

    /** Absolute offset (in {@code seg}) of the first byte of entry {@code index}'s value. */
    static long valueStart(MemorySegment seg, long base, int index) {
        return base + seg.get(I32, base + RecordLayout.entryOffset(index) + ENTRY_VALUE_OFFSET_OFFSET);
    }

    /** Absolute offset just past entry {@code index}'s value. */
    static long valueEnd(MemorySegment seg, long base, int count, int index) {
        return index + 1 < count ? valueStart(seg, base, index + 1) : base + length(seg, base);
    }

    static long readLong(MemorySegment seg, long base, int index) {
        return seg.get(I64, valueStart(seg, base, index));
    }

    static double readDouble(MemorySegment seg, long base, int index) {
        return seg.get(F64, valueStart(seg, base, index));
    }

    static String readString(MemorySegment seg, long base, int count, int index) {
        long start = valueStart(seg, base, index);
        return Utf8.decode(seg, start, (int) (valueEnd(seg, base, count, index) - start));
    }

    /** A DECIMAL value: its stored text is a JSON number, which {@link BigDecimal} parses exactly. */
    static BigDecimal readDecimal(MemorySegment seg, long base, int count, int index) {
        return new BigDecimal(readString(seg, base, count, index));
    }

    static byte[] readBytes(MemorySegment seg, long base, int count, int index) {
        long start = valueStart(seg, base, index);
        return seg.asSlice(start, valueEnd(seg, base, count, index) - start).toArray(BYTE);
    }

    /** A slice holding entry {@code index}'s value. */
    static MemorySegment valueSlice(MemorySegment seg, long base, int count, int index) {
        long start = valueStart(seg, base, index);
        return seg.asSlice(start, valueEnd(seg, base, count, index) - start);
    }

    /**
     * Follows {@code path} from the object at offset 0 without decoding anything else. Returns the
     * {@link ValueLocation} of the last step's entry, or {@link ValueLocation#NONE} when a step is missing or
     * walks into a value of the wrong kind.
     */
    static long locate(MemorySegment seg, FieldDictionary dict, FieldPath path) {
        long base = 0;
        int steps = path.depth();
        for (int s = 0; ; s++) {
            int count = count(seg, base);
            int index;
            if (path.isIndex(s)) {
                index = path.index(s);
                if (index >= count || seg.get(BYTE, base + RecordLayout.KIND_OFFSET) != RecordLayout.KIND_ARRAY) {
                    return ValueLocation.NONE;
                }
            } else {
                if (seg.get(BYTE, base + RecordLayout.KIND_OFFSET) != RecordLayout.KIND_OBJECT) {
                    return ValueLocation.NONE;
                }
                int id = dict.idOf(path.name(s));
                index = id < 0 ? -1 : find(seg, base, count, id);
                if (index < 0) {
                    return ValueLocation.NONE;
                }
            }
            if (s == steps - 1) {
                return ValueLocation.of(base, index);
            }
            int tag = tag(seg, base, index);
            if (tag != RecordLayout.TAG_OBJECT && tag != RecordLayout.TAG_ARRAY) {
                return ValueLocation.NONE;
            }
            base = valueStart(seg, base, index);
        }
    }
}
