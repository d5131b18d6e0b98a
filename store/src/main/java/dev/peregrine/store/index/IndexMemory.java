package dev.peregrine.store.index;

import java.lang.foreign.MemorySegment;

/**
 * Where the indexes keep their numbers: the position lists ({@link LongPagedList}), the event-id
 * table ({@link EventIdIndex}) and the segments' offset indexes. A store uses
 * {@link MappedIndexMemory}, so that the heap does not grow with the events stored; {@link #HEAP}
 * is for tests and for short-lived lists.
 *
 * <p>Memory handed out is zeroed, 8-byte aligned, and never freed explicitly: it lives as long as a
 * segment refers to it (the indexes only grow, and a replaced page or table may still be read by a
 * reader that loaded it before the replacement).
 *
 * <p>Thread safety: implementations may be called from any thread.
 */
public interface IndexMemory {

    /** Plain Java arrays on the heap. */
    IndexMemory HEAP = new IndexMemory() {
        @Override
        public MemorySegment allocate(long bytes) {
            return onHeap(bytes);
        }

        @Override
        public String toString() {
            return "heap";
        }
    };

    /**
     * @param bytes how many bytes (rounded up to a multiple of 8)
     * @return zeroed memory of at least {@code bytes} bytes, aligned for {@code long}s
     */
    MemorySegment allocate(long bytes);

    /**
     * Drops this memory's pages from the process's resident set where that loses nothing (pages
     * backed by a file, which the next access maps again); does nothing for the heap. Any thread,
     * concurrently with readers and writers of the blocks.
     */
    default void releaseResident() {
    }

    /**
     * @param bytes how many bytes (rounded up to a multiple of 8)
     * @return a zeroed {@code long[]} of that size, as a segment
     */
    static MemorySegment onHeap(long bytes) {
        long longs = (bytes + Long.BYTES - 1) / Long.BYTES;
        if (longs > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an index block of " + bytes + " bytes is larger than a Java array");
        }
        return MemorySegment.ofArray(new long[(int) longs]);
    }
}
