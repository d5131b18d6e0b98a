package dev.peregrine.store.view.internal;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.view.AggregateFunction;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The running state of one aggregate over one group, updated by Z-set weights: {@code +1} adds a
 * value, {@code -1} retracts one that was added before. Every implementation is exact under
 * retraction and independent of the order of updates, so an incrementally maintained group always
 * equals a fold of its surviving values.
 *
 * <p>An accumulator can be {@linkplain #copy() copied} (a view's checkpoints for as-of reads) and
 * written to and read from a state file ({@link #write}, {@link #read}): its running state, never the
 * values that went into it. Not thread-safe (the view maintainer owns it).
 */
abstract sealed class Accumulator {

    /**
     * @param function the aggregate
     * @return a fresh, empty accumulator
     */
    static Accumulator create(AggregateFunction function) {
        return switch (function) {
            case COUNT -> new Count();
            case SUM -> new Sum();
            case AVG -> new Avg();
            case MIN -> new Extreme(true);
            case MAX -> new Extreme(false);
            case COUNT_DISTINCT -> new Distinct();
        };
    }

    /**
     * Applies one weighted value. {@code null} (missing or null field) is skipped by every aggregate;
     * {@code count} of rows is fed a non-null marker for every row.
     *
     * @param value the value
     * @param weight {@code +1} to add, {@code -1} to retract
     */
    abstract void update(Object value, int weight);

    /** @return the aggregate's current value */
    abstract Object result();

    /** @return an independent accumulator with the same running state */
    abstract Accumulator copy();

    /**
     * Writes the running state ({@code docs/storage-format.md}, view state).
     *
     * @param out the state file
     * @throws IOException when the file cannot be written
     */
    abstract void write(AtomicFile.Output out) throws IOException;

    /**
     * Reads a running state written by {@link #write} into this fresh accumulator.
     *
     * @param in the state file
     * @throws dev.peregrine.store.CorruptFileException when the state is malformed
     */
    abstract void read(FileBody in);

    /** Counts non-null values. */
    static final class Count extends Accumulator {
        private long n;

        @Override
        void update(Object value, int weight) {
            if (value != null) {
                n += weight;
            }
        }

        @Override
        Object result() {
            return n;
        }

        @Override
        Accumulator copy() {
            Count c = new Count();
            c.n = n;
            return c;
        }

        @Override
        void write(AtomicFile.Output out) throws IOException {
            out.putLong(n);
        }

        @Override
        void read(FileBody in) {
            n = in.getLong();
        }
    }

    /**
     * Sums numbers exactly, so that the total is the same whatever the order of additions and
     * retractions, where a plain {@code double} sum would drift ({@code 0.1 + 0.2 - 0.1}): integers
     * in a {@code long} that spills into a {@link BigDecimal} on overflow, and every double and
     * decimal in that {@code BigDecimal}. A double counts as its shortest decimal form, the number
     * JSON shows for it ({@code 0.1} adds exactly 0.1), so that a sum of doubles and decimals is the
     * sum of the numbers as they were sent. (Comparisons use a double's exact binary value instead:
     * see {@link Values}; a sum needs no order, so it can use the value a user sees.)
     *
     * <p>Result: with any decimal in the group, the exact total ({@link Values#canonical}); else
     * with any double, the double nearest to the exact total; else the integer total, a Long when it
     * fits, else an exact BigDecimal. Non-numbers are skipped.
     */
    static sealed class Sum extends Accumulator {
        private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
        private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

        private long small;
        private BigDecimal big;
        private long doubles;
        private long decimals;
        long numbers;

        @Override
        void update(Object value, int weight) {
            switch (value) {
                case Long l -> {
                    long add = weight > 0 ? l : -l;
                    if (l == Long.MIN_VALUE) {
                        spill(BigDecimal.valueOf(l).multiply(BigDecimal.valueOf(weight)));
                    } else {
                        long r = small + add;
                        // Overflow iff both operands have the sign opposite to the result.
                        if (((small ^ r) & (add ^ r)) < 0) {
                            spill(BigDecimal.valueOf(add));
                        } else {
                            small = r;
                        }
                    }
                }
                case Double d -> {
                    BigDecimal shortest = BigDecimal.valueOf(d);
                    spill(weight > 0 ? shortest : shortest.negate());
                    doubles += weight;
                }
                case BigDecimal d -> {
                    spill(weight > 0 ? d : d.negate());
                    decimals += weight;
                }
                case null, default -> {
                    return;
                }
            }
            numbers += weight;
        }

        @Override
        Accumulator copy() {
            return copyInto(new Sum());
        }

        /** Copies this running state into a fresh accumulator of the same class. */
        final Sum copyInto(Sum c) {
            c.small = small;
            c.big = big;
            c.doubles = doubles;
            c.decimals = decimals;
            c.numbers = numbers;
            return c;
        }

        @Override
        final void write(AtomicFile.Output out) throws IOException {
            out.putLong(small);
            StateValues.write(out, big);
            out.putLong(doubles);
            out.putLong(decimals);
            out.putLong(numbers);
        }

        @Override
        final void read(FileBody in) {
            small = in.getLong();
            big = StateValues.readDecimal(in);
            doubles = in.getLong();
            decimals = in.getLong();
            numbers = in.getLong();
        }

        private void spill(BigDecimal amount) {
            big = big == null ? amount : big.add(amount);
        }

        /** @return the exact total */
        BigDecimal total() {
            BigDecimal t = BigDecimal.valueOf(small);
            return big == null ? t : t.add(big);
        }

        /** @return whether a decimal is among the summed numbers */
        boolean hasDecimals() {
            return decimals > 0;
        }

        @Override
        Object result() {
            if (decimals > 0) {
                return Values.canonical(total());
            }
            if (doubles > 0) {
                return total().doubleValue();
            }
            if (big == null) {
                return small;
            }
            BigDecimal whole = total();
            return whole.compareTo(LONG_MIN) >= 0 && whole.compareTo(LONG_MAX) <= 0 ? (Object) whole.longValueExact()
                    : (Object) Values.canonical(whole);
        }
    }

    /**
     * Mean of the numbers; {@code null} when the group has none. With a decimal in the group, the
     * exact total divided by the count, rounded half-even to as many significant digits as the total
     * has (without trailing zeros), and at least 34 (IEEE 754 decimal128); else the double nearest to
     * that mean.
     */
    static final class Avg extends Sum {
        @Override
        Accumulator copy() {
            return copyInto(new Avg());
        }

        @Override
        Object result() {
            if (numbers == 0) {
                return null;
            }
            // Stripped, so that the digits kept do not depend on the scale that retracted values left.
            BigDecimal total = total().stripTrailingZeros();
            BigDecimal count = BigDecimal.valueOf(numbers);
            if (hasDecimals()) {
                MathContext digits = new MathContext(Math.max(MathContext.DECIMAL128.getPrecision(), total.precision()),
                        RoundingMode.HALF_EVEN);
                return Values.canonical(total.divide(count, digits));
            }
            return total.divide(count, MathContext.DECIMAL128).doubleValue();
        }
    }

    /**
     * A counted multiset of the non-null values (value → copies), so a value leaves only with its last
     * copy; the two multiset aggregates differ only in the map and in how they read it.
     */
    abstract static sealed class Counted extends Accumulator {
        final Map<Object, long[]> counts;

        Counted(Map<Object, long[]> counts) {
            this.counts = counts;
        }

        @Override
        final void update(Object value, int weight) {
            if (value != null) {
                Multisets.add(counts, value, weight);
            }
        }

        /** Copies the multiset into a fresh accumulator of the same kind. */
        final Counted copyInto(Counted c) {
            for (Map.Entry<Object, long[]> e : counts.entrySet()) {
                c.counts.put(e.getKey(), new long[] {e.getValue()[0]});
            }
            return c;
        }

        /** {@code u32} distinct values, then each value and its {@code i64} number of copies. */
        @Override
        final void write(AtomicFile.Output out) throws IOException {
            out.putInt(counts.size());
            for (Map.Entry<Object, long[]> e : counts.entrySet()) {
                StateValues.write(out, e.getKey());
                out.putLong(e.getValue()[0]);
            }
        }

        @Override
        final void read(FileBody in) {
            int n = in.getCount(1 + Long.BYTES);
            for (int i = 0; i < n; i++) {
                long at = in.offset();
                Object value = StateValues.read(in);
                long copies = in.getLong();
                if (value == null || copies <= 0 || counts.put(value, new long[] {copies}) != null) {
                    throw in.corruptAt(at, "a distinct non-null value with a positive count",
                            value + " x " + copies);
                }
            }
        }
    }

    /**
     * Minimum or maximum: a sorted multiset, so retracting the current extreme reveals the next one in
     * O(log n).
     */
    static final class Extreme extends Counted {
        private final boolean min;

        Extreme(boolean min) {
            super(new TreeMap<>(Values.ORDER));
            this.min = min;
        }

        @Override
        Accumulator copy() {
            return copyInto(new Extreme(min));
        }

        @Override
        Object result() {
            if (counts.isEmpty()) {
                return null;
            }
            TreeMap<Object, long[]> sorted = (TreeMap<Object, long[]>) counts;
            return min ? sorted.firstKey() : sorted.lastKey();
        }
    }

    /** Number of distinct values: a hashed counted map. */
    static final class Distinct extends Counted {
        Distinct() {
            super(new HashMap<>());
        }

        @Override
        Accumulator copy() {
            return copyInto(new Distinct());
        }

        @Override
        Object result() {
            return (long) counts.size();
        }
    }

    /** The one add-or-remove of a counted map that both multiset aggregates share. */
    static final class Multisets {
        private Multisets() {}

        static void add(Map<Object, long[]> counts, Object value, int weight) {
            long[] c = counts.get(value);
            if (c == null) {
                if (weight < 0) {
                    throw new IllegalStateException("retracting " + value + " that was never added");
                }
                counts.put(value, new long[] {weight});
            } else if ((c[0] += weight) == 0) {
                counts.remove(value);
            }
        }
    }
}
