package dev.peregrine.store.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An append-only list of {@code long}s in pages, written by one thread (the sequencer) and read by
 * any number of threads without locks. It costs 8 bytes per element plus at most one partly filled
 * page, in the {@link IndexMemory} it was given (a store's is mapped, off the heap): the first page
 * grows by doubling from 4 elements (so the many small entity streams stay small), later pages are
 * allocated whole, and nothing is ever copied once a page is full.
 *
 * <p>Publication protocol: the writer stores the element (plain), then the size with release; a
 * reader loads the size with acquire and may then read every index below it. Page references are
 * stored with release and loaded with acquire because a reader that raced ahead of a size it has not
 * acquired can still meet a freshly installed page (see {@link #get(int)}).
 *
 * <p>Thread safety: one writer ({@link #add}); any number of concurrent readers.
 */
public final class LongPagedList {

    static final int PAGE_SHIFT = 13;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    static final int PAGE_MASK = PAGE_SIZE - 1;
    private static final int FIRST_CAPACITY = 4;
    private static final ValueLayout.OfLong ELEMENT = ValueLayout.JAVA_LONG;

    private static final VarHandle SIZE;
    private static final VarHandle PAGES;
    private static final VarHandle PAGE_ELEMENT = MethodHandles.arrayElementVarHandle(MemorySegment[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SIZE = lookup.findVarHandle(LongPagedList.class, "size", int.class);
            PAGES = lookup.findVarHandle(LongPagedList.class, "pages", MemorySegment[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IndexMemory memory;
    @SuppressWarnings("unused") // accessed through PAGES
    private MemorySegment[] pages;
    @SuppressWarnings("unused") // accessed through SIZE
    private int size;

    /** A list on the heap. */
    public LongPagedList() {
        this(IndexMemory.HEAP);
    }

    /** @param memory where its pages are allocated */
    public LongPagedList(IndexMemory memory) {
        this.memory = memory;
        this.pages = new MemorySegment[] {memory.allocate((long) FIRST_CAPACITY * Long.BYTES)};
    }

    /**
     * Appends a value. Writer thread only.
     *
     * @param value the value
     */
    public void add(long value) {
        int n = (int) SIZE.get(this); // plain: only this thread writes size
        MemorySegment target = pageFor(n);
        target.setAtIndex(ELEMENT, n & PAGE_MASK, value); // plain: ordered before readers by the size release below
        SIZE.setRelease(this, n + 1);
    }

    /** @return the page element {@code n} goes to, installed (grown, or new) if need be; writer only */
    private MemorySegment pageFor(int n) {
        MemorySegment[] p = (MemorySegment[]) PAGES.get(this);
        int page = n >>> PAGE_SHIFT;
        int index = n & PAGE_MASK;
        if (page == p.length) {
            p = Arrays.copyOf(p, p.length * 2);
            PAGES.setRelease(this, p); // readers holding the old spine still find every page below n
        }
        MemorySegment target = p[page];
        if (target == null) {
            target = memory.allocate((long) PAGE_SIZE * Long.BYTES);
            PAGE_ELEMENT.setRelease(p, page, target);
        } else if ((long) index * Long.BYTES == target.byteSize()) {
            // Only the first page grows; the copy is complete before it is published.
            MemorySegment bigger = memory.allocate(Math.min((long) PAGE_SIZE * Long.BYTES, target.byteSize() * 2));
            MemorySegment.copy(target, 0, bigger, 0, target.byteSize());
            target = bigger;
            PAGE_ELEMENT.setRelease(p, page, target);
        }
        return target;
    }

    /**
     * Appends {@code n} longs read from {@code in} in its byte order (loading a checkpoint),
     * publishing the new size once per page. Writer thread only.
     *
     * @param in source, positioned at the first value; advanced past the last
     * @param n number of values
     */
    public void addAll(ByteBuffer in, int n) {
        MemorySegment source = MemorySegment.ofBuffer(in);
        ValueLayout.OfLong sourceLayout = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(in.order());
        int size = (int) SIZE.get(this);
        long done = 0;
        while (done < n) {
            MemorySegment target = pageFor(size);
            int index = size & PAGE_MASK;
            int count = (int) Math.min(n - done, target.byteSize() / Long.BYTES - index);
            MemorySegment.copy(source, sourceLayout, done * Long.BYTES, target, ELEMENT, (long) index * Long.BYTES,
                    count);
            size += count;
            done += count;
            SIZE.setRelease(this, size);
        }
        in.position(in.position() + Long.BYTES * n);
    }

    /** @return the number of elements published so far (acquire) */
    public int size() {
        return (int) SIZE.getAcquire(this);
    }

    /**
     * @param index below a {@link #size()} this thread has read
     * @return the element
     */
    public long get(int index) {
        MemorySegment[] p = (MemorySegment[]) PAGES.getAcquire(this);
        MemorySegment page = (MemorySegment) PAGE_ELEMENT.getAcquire(p, index >>> PAGE_SHIFT);
        return page.getAtIndex(ELEMENT, index & PAGE_MASK);
    }

    /**
     * Drops elements from {@code newSize} on. Writer thread only, and only while no reader can look
     * past {@code newSize} (used by recovery before the store is open).
     *
     * @param newSize the new size, at most the current one
     */
    public void truncate(int newSize) {
        SIZE.setRelease(this, newSize);
    }

    /**
     * Binary search for the number of elements less than or equal to {@code value}, among the first
     * {@code n}. The list must be sorted ascending. The two ends are looked at first: a query's bounds
     * usually lie outside the list (no lower bound, an upper bound at the visible end), which then
     * costs two reads instead of a search.
     *
     * @param value the bound
     * @param n how many leading elements to search
     * @return the index of the first element greater than {@code value} (or {@code n})
     */
    public int upperBound(long value, int n) {
        if (n == 0 || get(0) > value) {
            return 0;
        }
        if (get(n - 1) <= value) {
            return n;
        }
        int lo = 1;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (get(mid) <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** @return approximate heap bytes of the list: its page table, and the pages kept on the heap */
    public long heapBytes() {
        MemorySegment[] p = (MemorySegment[]) PAGES.getAcquire(this);
        long bytes = 16L + 8L * p.length;
        for (MemorySegment page : p) {
            if (page != null) {
                bytes += page.isNative() ? 40 : 56 + page.byteSize(); // the segment object (and its array)
            }
        }
        return bytes;
    }
}
