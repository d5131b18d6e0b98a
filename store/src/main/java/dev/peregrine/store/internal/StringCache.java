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

    private record Entry(byte[] bytes, String value) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    String get(MemorySegment memory, long offset, int length) {
        int hash = 1;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + memory.get(ValueLayout.JAVA_BYTE, offset + i);
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
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
