package dev.peregrine.store.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * An append-only list of {@code long}s in pages, written by one thread (the sequencer) and read by
 * any number of threads without locks. Heap cost is 8 bytes per element plus at most one partly
 * filled page: the first page grows by doubling from 4 elements (so the many small entity streams
 * stay small), later pages are allocated whole, and nothing is ever copied once a page is full.
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

    private static final VarHandle SIZE;
    private static final VarHandle PAGES;
    private static final VarHandle PAGE_ELEMENT = MethodHandles.arrayElementVarHandle(long[][].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SIZE = lookup.findVarHandle(LongPagedList.class, "size", int.class);
            PAGES = lookup.findVarHandle(LongPagedList.class, "pages", long[][].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through PAGES
    private long[][] pages = {new long[FIRST_CAPACITY]};
    @SuppressWarnings("unused") // accessed through SIZE
    private int size;

    /**
     * Appends a value. Writer thread only.
     *
     * @param value the value
     */
    public void add(long value) {
        int n = (int) SIZE.get(this); // plain: only this thread writes size
        long[][] p = (long[][]) PAGES.get(this);
        int page = n >>> PAGE_SHIFT;
        int index = n & PAGE_MASK;
        if (page == p.length) {
            p = Arrays.copyOf(p, p.length * 2);
            PAGES.setRelease(this, p); // readers holding the old spine still find every page below n
        }
        long[] target = p[page];
        if (target == null) {
            target = new long[PAGE_SIZE];
            PAGE_ELEMENT.setRelease(p, page, target);
        } else if (index == target.length) {
            // Only the first page grows; the copy is complete before it is published.
            target = Arrays.copyOf(target, Math.min(PAGE_SIZE, target.length * 2));
            PAGE_ELEMENT.setRelease(p, page, target);
        }
        target[index] = value; // plain: ordered before readers by the size release below
        SIZE.setRelease(this, n + 1);
    }

    /**
     * Appends {@code n} little-endian longs read from {@code in} (loading a checkpoint), publishing the
     * new size once at the end. Writer thread only.
     *
     * @param in source, positioned at the first value; advanced past the last
     * @param n number of values
     */
    public void addAll(java.nio.ByteBuffer in, int n) {
        java.nio.LongBuffer longs = in.asLongBuffer();
        int size = (int) SIZE.get(this);
        int done = 0;
        while (done < n) {
            if ((size & PAGE_MASK) != 0 || n - done < PAGE_SIZE) {
                // Not a whole page to copy: one element at a time (small lists keep their small first page).
                add(longs.get());
                size++;
                done++;
                continue;
            }
            int count = PAGE_SIZE;
            long[] page = new long[PAGE_SIZE];
            longs.get(page);
            long[][] p = (long[][]) PAGES.get(this);
            int index = size >>> PAGE_SHIFT;
            if (index == p.length) {
                p = Arrays.copyOf(p, p.length * 2);
                PAGES.setRelease(this, p);
            }
            PAGE_ELEMENT.setRelease(p, index, page);
            size += count;
            done += count;
            SIZE.setRelease(this, size);
        }
        in.position(in.position() + 8 * n);
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
        long[][] p = (long[][]) PAGES.getAcquire(this);
        long[] page = (long[]) PAGE_ELEMENT.getAcquire(p, index >>> PAGE_SHIFT);
        return page[index & PAGE_MASK];
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
     * {@code n}. The list must be sorted ascending.
     *
     * @param value the bound
     * @param n how many leading elements to search
     * @return the index of the first element greater than {@code value} (or {@code n})
     */
    public int upperBound(long value, int n) {
        int lo = 0;
        int hi = n;
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

    /** @return approximate heap bytes held by the element pages (for measurement) */
    public long heapBytes() {
        long[][] p = (long[][]) PAGES.getAcquire(this);
        long bytes = 16L + 8L * p.length;
        for (long[] page : p) {
            if (page != null) {
                bytes += 16L + 8L * page.length;
            }
        }
        return bytes;
    }
}
