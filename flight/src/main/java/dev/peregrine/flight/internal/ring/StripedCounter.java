package dev.peregrine.flight.internal.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An exact counter that many threads increment without sharing one cache line: each thread adds to
 * the stripe chosen by its thread id, and {@link #sum()} adds the stripes. Unlike
 * {@link java.util.concurrent.atomic.LongAdder} it never allocates after construction, so it can be
 * used on allocation-free paths. Thread-safe.
 */
public final class StripedCounter {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs between two stripes: 128 bytes, two cache lines, so adjacent-line prefetch does not pair them. */
    private static final int STRIDE = 16;
    private static final int STRIPES = 16;

    private final long[] cells = new long[(STRIPES + 1) * STRIDE];

    /** Adds one for the calling thread. */
    public void increment() {
        int stripe = (int) (Thread.currentThread().threadId() & (STRIPES - 1));
        // getAndAdd is an atomic read-modify-write: two threads that share a stripe never lose a count.
        LONGS.getAndAdd(cells, (stripe + 1) * STRIDE, 1L);
    }

    /** Sum of all stripes; exact once the incrementing threads have stopped. */
    public long sum() {
        long sum = 0;
        for (int stripe = 0; stripe < STRIPES; stripe++) {
            // Volatile read: sees every increment that happened-before this call.
            sum += (long) LONGS.getVolatile(cells, (stripe + 1) * STRIDE);
        }
        return sum;
    }
}
