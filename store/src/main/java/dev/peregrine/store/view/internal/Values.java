package dev.peregrine.store.view.internal;

import java.math.BigDecimal;
import java.util.Comparator;

/**
 * The one ordering and equality of view values ({@code null}, Boolean, Long, Double, BigDecimal,
 * String), used by predicates, group keys, min/max and row sorting alike so they never disagree.
 *
 * <p>Order: {@code null} &lt; booleans &lt; numbers &lt; strings; numbers by their exact value across
 * Long, Double and BigDecimal, with no rounding through double: a Double counts as the exact binary
 * value it holds ({@code 0.1} is 0.1000000000000000055511151231257827021181583404541015625), the
 * one value every comparison uses, so that the three classes order consistently. A BigDecimal is
 * a record DECIMAL (a number neither an I64 nor exactly an F64), always in {@link #canonical} form.
 */
public final class Values {

    /**
     * Total order of view values, {@code null} first, consistent with {@link Object#equals}: values
     * equal by {@link #compare} but of different classes ({@code 2} and {@code 2.0}) order Long
     * first, then Double, then BigDecimal.
     * Group keys, min/max multisets and distinct counts use it, so {@code 2} and {@code 2.0} are
     * distinct there, exactly as {@code equals} says.
     */
    public static final Comparator<Object> ORDER = Values::totalCompare;

    /** Longest integer that {@link #canonical} keeps in plain digits. */
    static final int PLAIN_INTEGER_DIGITS = 40;

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
            case Long x when b instanceof Long y -> Long.compare(x, y);
            case Long x when b instanceof Double y -> -compareDoubleLong(y, x);
            case Double x when b instanceof Double y -> Double.compare(x, y);
            case Double x when b instanceof Long y -> compareDoubleLong(x, y);
            case Long x -> compareExact(x, b);
            case Double x -> compareExact(x, b);
            case BigDecimal x -> compareExact(x, b);
            default -> throw new IllegalArgumentException("not a view value: " + a.getClass());
        };
    }

    /**
     * @param value a decimal
     * @return its canonical form, so that numerically equal decimals are {@code equals}: trailing
     *     zeros stripped ({@code 1.50E+400} is {@code 1.5E+400}), and an integer of at most
     *     {@value #PLAIN_INTEGER_DIGITS} digits at scale 0, so that it is written out in full
     *     ({@code 18446744073709551620}, not {@code 1.844674407370955162E+19})
     */
    public static BigDecimal canonical(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() < 0 && stripped.precision() - stripped.scale() <= PLAIN_INTEGER_DIGITS) {
            return stripped.setScale(0);
        }
        return stripped;
    }

    /**
     * Exact comparison of two numbers at least one of which is a BigDecimal. NaN orders above every
     * number and the infinities beyond every BigDecimal, as {@link Double#compare} places them.
     */
    private static int compareExact(Number a, Object b) {
        if (a instanceof Double d && !Double.isFinite(d)) {
            return Double.isNaN(d) || d > 0 ? 1 : -1;
        }
        if (b instanceof Double d && !Double.isFinite(d)) {
            return Double.isNaN(d) || d > 0 ? -1 : 1;
        }
        return exact(a).compareTo(exact((Number) b));
    }

    private static BigDecimal exact(Number n) {
        return switch (n) {
            case BigDecimal d -> d;
            case Long l -> BigDecimal.valueOf(l);
            case Double d -> new BigDecimal(d);
            default -> throw new IllegalArgumentException("not a view value: " + n.getClass());
        };
    }

    /**
     * @param a a value
     * @param b a value
     * @return {@link #compare}, tie-broken so the order agrees with {@code equals}
     */
    public static int totalCompare(Object a, Object b) {
        int c = compare(a, b);
        if (c != 0 || a == null) {
            return c;
        }
        if (a.getClass() != b.getClass()) {
            return Integer.compare(numberClass(a), numberClass(b));
        }
        // Only decimals that are not in canonical form can be equal in value but not equals.
        return a instanceof BigDecimal x ? Integer.compare(x.scale(), ((BigDecimal) b).scale()) : 0;
    }

    private static int numberClass(Object n) {
        return n instanceof Long ? 0 : n instanceof Double ? 1 : 2;
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
            case BigDecimal d -> 2;
            case String s -> 3;
            default -> throw new IllegalArgumentException("not a view value: " + v.getClass());
        };
    }
}
