package dev.peregrine.store.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the short UTF-8 strings of log entries (event types, entity and tenant ids) through a
 * small direct-mapped cache, so that reading the same few types and tenants over and over returns
 * the same {@code String} instead of decoding and allocating each time.
 *
 * <p>Thread safety: racy by design and safe: a slot holds an immutable {@link Entry} (final fields,
 * so it is safely published); a reader that loses a race simply decodes again.
 */
final class StringCache {

    private static final int SLOT_BITS = 12;
    private static final int SLOTS = 1 << SLOT_BITS;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    /** A decoded string and its bytes, kept as a segment so that the comparison allocates nothing. */
    private record Entry(MemorySegment bytes, String value) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    /**
     * A hash of every byte, 8 at a time (the last word overlapping the one before it), whose top bits
     * are the slot: ids are a few words long, and ids of one workload often differ in a single byte
     * anywhere ({@code entity-41}, {@code tenant-7-account-42}). An earlier hash of only the first and
     * last word, taking its low bits, put {@code entity-40} to {@code entity-49} in one slot, so they
     * were decoded again on every read.
     */
    private static int slot(MemorySegment memory, long offset, int length) {
        long h = length;
        if (length >= 8) {
            for (int i = 0; i < length - 8; i += 8) {
                h = (h + memory.get(LONG, offset + i)) * 0x9E3779B97F4A7C15L;
            }
            h = (h + memory.get(LONG, offset + length - 8)) * 0x9E3779B97F4A7C15L;
        } else {
            long word = 0;
            for (int i = 0; i < length; i++) {
                word = word << 8 | (memory.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF);
            }
            h = (h + word) * 0x9E3779B97F4A7C15L;
        }
        h ^= h >>> 29; // fold the high bits, where the last multiply put the last word's top byte, down
        return (int) ((h * 0xC2B2AE3D27D4EB4FL) >>> (64 - SLOT_BITS));
    }

    String get(MemorySegment memory, long offset, int length) {
        int slot = slot(memory, offset, length);
        Entry e = slots[slot];
        if (e != null && e.bytes.byteSize() == length
                && MemorySegment.mismatch(memory, offset, offset + length, e.bytes, 0, length) < 0) {
            return e.value;
        }
        byte[] bytes = memory.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        String value = new String(bytes, StandardCharsets.UTF_8);
        slots[slot] = new Entry(MemorySegment.ofArray(bytes), value);
        return value;
    }
}
