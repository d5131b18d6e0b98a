package dev.peregrine.store.internal;

import dev.peregrine.store.index.LongPagedList;

import java.util.function.LongUnaryOperator;

/**
 * Timestamp → position by binary search. Timestamps never decrease along the log (the sequencer
 * makes them monotonic), so along any ascending list of positions they are sorted too; no time index
 * is kept, the timestamps are read from the mapped entries.
 *
 * <p>Thread safety: stateless.
 */
final class TimeSearch {

    private TimeSearch() {
    }

    /**
     * @param reader reads timestamps
     * @param list ascending positions
     * @param from first index to consider
     * @param to end index (exclusive)
     * @param nanos a time
     * @param inclusive whether entries at exactly {@code nanos} count as "before"
     * @return the first index in {@code [from, to)} whose timestamp is after {@code nanos}
     *         (at or after it when {@code inclusive} is false), or {@code to}
     */
    static int firstAfter(EventReader reader, LongPagedList list, int from, int to, long nanos, boolean inclusive) {
        return (int) search(reader, i -> list.get((int) i), from, to, nanos, inclusive);
    }

    /**
     * The same search over the dense range of positions {@code [from, to)} of the log itself.
     *
     * @param reader reads timestamps
     * @param from first position
     * @param to end position (exclusive)
     * @param nanos a time
     * @param inclusive as above
     * @return the first position after the time, or {@code to}
     */
    static long firstAfter(EventReader reader, long from, long to, long nanos, boolean inclusive) {
        return search(reader, p -> p, from, to, nanos, inclusive);
    }

    /** Binary search over indexes {@code [from, to)}, each mapped to a position by {@code positionAt}. */
    private static long search(EventReader reader, LongUnaryOperator positionAt, long from, long to, long nanos,
                               boolean inclusive) {
        long lo = from;
        long hi = to;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            long t = reader.timestamp(positionAt.applyAsLong(mid));
            if (inclusive ? t <= nanos : t < nanos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** @param instant a time @return nanoseconds since the epoch, saturated */
    static long nanos(java.time.Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
