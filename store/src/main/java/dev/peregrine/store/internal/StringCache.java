package dev.peregrine.store.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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

    /** 4,096 sets of two ways. */
    private static final int SET_BITS = 12;
    private static final int SLOTS = 2 << SET_BITS;
    /** Little-endian whatever the platform: {@link #shortWord}'s two ways of reading must agree. */
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * A decoded string, its UTF-8 bytes (a segment, so that comparing a long string allocates
     * nothing), and their first and last words as {@link #get} reads them.
     */
    private record Entry(MemorySegment bytes, String value, long first, long last) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    /**
     * The cached string of the {@code length} bytes at {@code offset}, decoding them on a miss.
     *
     * <p>Ids and types up to 16 bytes, the usual case, are read as two words (the last overlapping the
     * first, or one word of the bytes for a string shorter than a word); with the length, the two words
     * are the string, so they serve as both the hash and the comparison. Longer strings hash every word
     * and are compared in full. Reading the bytes once instead of hashing in a loop and comparing with
     * {@code MemorySegment.mismatch} took a hit from about 13.5 ns to 3.5 ns (a throwaway JMH loop over
     * 100 ids of 8–9 bytes; docs/benchmarks.md), and an entity query's visitor reading each result's
     * entity id from 20 ns an event to a few.
     *
     * <p>Two-way set-associative: a new string takes the first way of its set and moves the string
     * there to the second. Direct-mapped over 4,096 slots, 16–22% of the reads of 1,000 ids read in turn
     * missed (two ids sharing a slot evict each other on every read), so a catch-up over 1,000 streams
     * decoded and allocated a fifth of its entity ids again; with two ways and twice the slots,
     * 0.3–3.1% (2,000 ids: 35–39% against 6–8%). Throwaway loops, four id shapes; a lookup of 1,000 ids
     * in turn went from 14.5 to 8.0 ns, a hit among 100 ids stayed at about 4 ns.
     *
     * <p>The hash takes the top bits as the set, after folding the high bits down: ids of one
     * workload often differ in a single byte anywhere ({@code entity-41}, {@code tenant-7-account-42}),
     * and a multiply carries a difference only upwards. An earlier hash taking the low bits put
     * {@code entity-40} to {@code entity-49} in one slot, so they were decoded again on every read.
     */
    String get(MemorySegment memory, long offset, int length) {
        long first;
        long last;
        if (length >= 8) {
            first = memory.get(LONG, offset);
            last = memory.get(LONG, offset + length - 8);
        } else {
            first = shortWord(memory, offset, length);
            last = 0;
        }
        long h = length;
        h = (h + first) * 0x9E3779B97F4A7C15L;
        for (int i = 8; i < length - 8; i += 8) { // the words between, of a string over 16 bytes
            h = (h + memory.get(LONG, offset + i)) * 0x9E3779B97F4A7C15L;
        }
        h = (h + last) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29; // fold the high bits, where the last multiply put the last word's top byte, down
        int newer = (int) ((h * 0xC2B2AE3D27D4EB4FL) >>> (64 - SET_BITS)) << 1;
        Entry e = slots[newer];
        if (holds(e, memory, offset, length, first, last)) {
            return e.value;
        }
        Entry older = slots[newer + 1];
        if (holds(older, memory, offset, length, first, last)) {
            return older.value;
        }
        byte[] bytes = memory.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        String value = new String(bytes, StandardCharsets.UTF_8);
        slots[newer + 1] = e; // the newer string ages into the other way; the older one is dropped
        slots[newer] = new Entry(MemorySegment.ofArray(bytes), value, first, last);
        return value;
    }

    private static boolean holds(Entry e, MemorySegment memory, long offset, int length, long first, long last) {
        return e != null && e.first == first && e.last == last && e.bytes.byteSize() == length
                && (length <= 16 || MemorySegment.mismatch(memory, offset, offset + length, e.bytes, 0, length) < 0);
    }

    /**
     * The bytes of a string shorter than a word, as one little-endian word (the bytes above its length
     * zero): one read and a mask where a whole word fits before the end of the memory (in the log the
     * payload follows the strings, so nearly always; the usual tenant, {@code default}, is 7 bytes),
     * else byte by byte into the same word.
     */
    private static long shortWord(MemorySegment memory, long offset, int length) {
        if (offset + Long.BYTES <= memory.byteSize()) {
            return memory.get(LONG, offset) & ((1L << (length << 3)) - 1);
        }
        long word = 0;
        for (int i = 0; i < length; i++) {
            word |= (memory.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFFL) << (i << 3);
        }
        return word;
    }
}
