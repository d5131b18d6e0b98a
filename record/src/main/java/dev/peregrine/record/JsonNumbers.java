package dev.peregrine.record;

import java.math.BigDecimal;

/**
 * The one rule that decides how a JSON number is kept, so that no number is silently changed: the JSON codec,
 * the record builder and the store's view definitions all apply it.
 *
 * <ol>
 *   <li>A number in integer syntax (no fraction, no exponent) within the signed 64-bit range is an {@code I64}
 *       ({@link Long}). {@code -0} is the integer 0.</li>
 *   <li>Otherwise, when the double nearest to the number, written in its shortest form ({@link Double#toString},
 *       the form the JSON writer uses), has exactly the number's value (compared as {@link BigDecimal}s, so
 *       scale and notation do not matter), it is an {@code F64} ({@link Double}): {@code 1.5}, {@code 0.1}
 *       (its shortest form is {@code 0.1}), {@code 2.0}, {@code 1e3}, {@code 4.9e-324},
 *       {@code 100000000000000000000} (written back as {@code 1.0E20}). Such a number reads back with the same
 *       value, though perhaps in another notation.</li>
 *   <li>Otherwise it is a {@code DECIMAL} ({@link BigDecimal}), kept as the exact text given:
 *       {@code 18446744073709551617}, {@code -9223372036854775809}, {@code 123456789012345678901234567890},
 *       {@code 0.1000000000000000055511151231257827}, {@code 1e-400}, {@code 1e400}.</li>
 * </ol>
 *
 * <p>A decimal's exponent in scientific notation (the {@code e} of d.ddd&times;10<sup>e</sup>) must lie within
 * &plusmn;{@value #MAX_EXPONENT}; a number beyond that is refused. The bound keeps exact arithmetic on decimals
 * (a view's sum of {@code 1e9999} and {@code 1e-9999} has 20,000 digits) small; no real measurement comes near
 * it, and doubles stop at about 10<sup>&plusmn;308</sup>.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonNumbers {

    /** Largest magnitude of a decimal's exponent in scientific notation. */
    public static final int MAX_EXPONENT = 9999;

    /** Longest integer text that may fit a long: {@code -9223372036854775808}. */
    private static final int MAX_LONG_TEXT = 20;
    /** Longest fraction text that always round-trips through a double; see {@link #isShortFraction}. */
    private static final int MAX_SHORT_FRACTION = 16;

    private JsonNumbers() {
    }

    /**
     * The value of a JSON number under the rule above.
     *
     * @param text a number in JSON syntax ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?})
     * @return a {@link Long} (I64), a {@link Double} (F64) or a {@link BigDecimal} (DECIMAL) equal to
     *     {@code new BigDecimal(text)}
     * @throws NumberFormatException when {@code text} is not a JSON number or its exponent is out of range
     */
    public static Number parse(String text) {
        if (!isJsonNumber(text)) {
            throw new NumberFormatException("'" + abbreviate(text) + "' is not a JSON number");
        }
        if (text.length() <= MAX_LONG_TEXT && isIntegerSyntax(text)) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException beyondLong) {
                // an integer outside the i64 range: decided below
            }
        }
        BigDecimal exact;
        try {
            exact = new BigDecimal(text);
        } catch (NumberFormatException exponentBeyondInt) {
            throw outOfRange(text);
        }
        double nearest = Double.parseDouble(text);
        if (Double.isFinite(nearest) && new BigDecimal(Double.toString(nearest)).compareTo(exact) == 0) {
            return nearest;
        }
        // Zero always round-trips, so exact is non-zero here and its precision counts significant digits.
        long exponent = (long) exact.precision() - exact.scale() - 1;
        if (Math.abs(exponent) > MAX_EXPONENT) {
            throw outOfRange(text);
        }
        return exact;
    }

    /**
     * The same rule for a {@link BigDecimal}, applied to its {@link BigDecimal#toString()} text: {@code 5} is a
     * Long, {@code 2.50} and {@code 1E+3} Doubles, {@code 1E-400} stays a BigDecimal.
     *
     * @throws NumberFormatException when the exponent is out of range
     */
    public static Number of(BigDecimal value) {
        return parse(value.toString());
    }

    /**
     * Whether a number token that has a fraction or an exponent is a short fraction that is an F64 under the
     * rule without computing it: no exponent and at most {@value #MAX_SHORT_FRACTION} characters. Such a number
     * has a point, so at most 15 significant digits, and a magnitude between 10<sup>-14</sup> and
     * 10<sup>15</sup>, inside the normal double range; and every decimal of at most 15 significant digits there
     * is the shortest form of its nearest double (15 digits is the precision a double always keeps, C's
     * {@code DBL_DIG}: two such decimals never share a double, so the shortest form cannot be another one). This
     * covers the fractions real payloads carry (prices, coordinates, ratios) with no allocation.
     */
    static boolean isShortFraction(char[] text, int offset, int length) {
        if (length > MAX_SHORT_FRACTION) {
            return false;
        }
        for (int i = offset, end = offset + length; i < end; i++) {
            char c = text[i];
            if (c == 'e' || c == 'E') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} follows the JSON number grammar of RFC 8259, section 6. */
    static boolean isJsonNumber(CharSequence text) {
        int n = text.length();
        int i = 0;
        if (i < n && text.charAt(i) == '-') {
            i++;
        }
        if (i >= n) {
            return false;
        }
        if (text.charAt(i) == '0') {
            i++;
        } else {
            int digits = digits(text, i);
            if (digits == 0) {
                return false;
            }
            i += digits;
        }
        if (i < n && text.charAt(i) == '.') {
            int digits = digits(text, i + 1);
            if (digits == 0) {
                return false;
            }
            i += 1 + digits;
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int digits = digits(text, i);
            if (digits == 0) {
                return false;
            }
            i += digits;
        }
        return i == n;
    }

    private static int digits(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    private static boolean isIntegerSyntax(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        return true;
    }

    private static NumberFormatException outOfRange(String text) {
        return new NumberFormatException("number " + abbreviate(text) + " is outside the supported range: its"
                + " exponent in scientific notation must be within -" + MAX_EXPONENT + ".." + MAX_EXPONENT);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
