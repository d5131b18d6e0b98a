package dev.peregrine.store.view.internal;

import java.util.Comparator;

/**
 * The one ordering and equality of view values ({@code null}, Boolean, Long, Double, String), used
 * by predicates, group keys, min/max and row sorting alike so they never disagree.
 *
 * <p>Order: {@code null} &lt; booleans &lt; numbers &lt; strings; numbers by value across Long and
 * Double (a Long compares exactly with a Double, with no rounding through double).
 */
public final class Values {

    /**
     * Total order of view values, {@code null} first, consistent with {@link Object#equals}: values
     * equal by {@link #compare} but of different classes ({@code 2} and {@code 2.0}) order Long first.
     * Group keys, min/max multisets and distinct counts use it, so {@code 2} and {@code 2.0} are
     * distinct there, exactly as {@code equals} says.
     */
    public static final Comparator<Object> ORDER = Values::totalCompare;

    private Values() {}

    /**
     * @param a a value
     * @param b a value
     * @return the three-way comparison in the order above
     */
    public static int compare(Object a, Object b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        return switch (a) {
            case null -> 0;
            case Boolean x -> Boolean.compare(x, (Boolean) b);
            case String x -> x.compareTo((String) b);
            case Long x -> b instanceof Long y ? Long.compare(x, y) : -compareDoubleLong((Double) b, x);
            case Double x -> b instanceof Double y ? Double.compare(x, y) : compareDoubleLong(x, (Long) b);
            default -> throw new IllegalArgumentException("not a view value: " + a.getClass());
        };
    }

    /**
     * @param a a value
     * @param b a value
     * @return {@link #compare}, tie-broken so the order agrees with {@code equals}
     */
    public static int totalCompare(Object a, Object b) {
        int c = compare(a, b);
        if (c != 0 || a == null || a.getClass() == b.getClass()) {
            return c;
        }
        return a instanceof Long ? -1 : 1;
    }

    /**
     * Whether two values are of one kind and so comparable by a predicate.
     *
     * @param a a value
     * @param b a value
     * @return whether both are numbers, both strings, both booleans or both null
     */
    public static boolean comparable(Object a, Object b) {
        return rank(a) == rank(b);
    }

    /**
     * @param a a value
     * @param b a value
     * @return whether they are equal in the order above ({@code 2 == 2.0})
     */
    public static boolean equal(Object a, Object b) {
        return rank(a) == rank(b) && compare(a, b) == 0;
    }

    /**
     * Exact comparison of a double with a long: doubles beyond 2^53 lose no precision here because
     * the long is compared in the double's integral domain only when both fit.
     */
    static int compareDoubleLong(double d, long l) {
        if (Double.isNaN(d)) {
            return 1;
        }
        if (d < -0x1p63) {
            return -1;
        }
        if (d >= 0x1p63) {
            return 1;
        }
        long whole = (long) d; // truncates toward zero; exact since |d| < 2^63
        int c = Long.compare(whole, l);
        if (c != 0) {
            return c;
        }
        double frac = d - whole;
        return frac > 0 ? 1 : frac < 0 ? -1 : 0;
    }

    private static int rank(Object v) {
        return switch (v) {
            case null -> 0;
            case Boolean b -> 1;
            case Long l -> 2;
            case Double d -> 2;
            case String s -> 3;
            default -> throw new IllegalArgumentException("not a view value: " + v.getClass());
        };
    }
}
