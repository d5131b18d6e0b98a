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

    private static final int SLOTS = 4096;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private record Entry(byte[] bytes, String value) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    String get(MemorySegment memory, long offset, int length) {
        // Hash of the length and the first and last (up to) 8 bytes: cheap, and ids that differ only
        // in the middle merely share a slot (the full comparison below decides).
        long head = 0;
        long tail = 0;
        if (length >= 8) {
            head = memory.get(LONG, offset);
            tail = memory.get(LONG, offset + length - 8);
        } else {
            for (int i = 0; i < length; i++) {
                head = head << 8 | (memory.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF);
            }
        }
        long h = (head * 0x9E3779B97F4A7C15L) ^ (tail * 0xC2B2AE3D27D4EB4FL) ^ length;
        int slot = (int) (h ^ (h >>> 29) ^ (h >>> 43)) & (SLOTS - 1);
        Entry e = slots[slot];
        if (e != null && e.bytes.length == length
                && MemorySegment.mismatch(memory, offset, offset + length, MemorySegment.ofArray(e.bytes), 0, length) < 0) {
            return e.value;
        }
        byte[] bytes = memory.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        String value = new String(bytes, StandardCharsets.UTF_8);
        slots[slot] = new Entry(bytes, value);
        return value;
    }
}
