package dev.peregrine.store.view;

import dev.peregrine.record.JsonNumbers;
import dev.peregrine.store.view.internal.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Normalises literal values of view definitions to the six kinds a view works with. */
final class Literals {

    private Literals() {}

    /**
     * @param value a literal from a caller
     * @param what its name, for the error message
     * @return {@code null}, a Boolean, a Long, a finite Double, a canonical BigDecimal or a String
     * @throws InvalidViewDefinitionException for any other kind of value or a non-finite double
     */
    static Object normalise(Object value, String what) {
        return switch (value) {
            case null -> null;
            case Boolean b -> b;
            case String s -> s;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case Double d -> finite(d, what);
            case Float f -> finite(f.doubleValue(), what);
            case BigDecimal d -> exact(d, what);
            case BigInteger i -> exact(new BigDecimal(i), what);
            default -> throw new InvalidViewDefinitionException(what,
                    "a literal must be null, a boolean, a number or a string, not a "
                            + value.getClass().getSimpleName());
        };
    }

    static List<Object> normaliseAll(List<?> values, String what) {
        if (values == null) {
            throw new InvalidViewDefinitionException(what, "a list of literals is required");
        }
        List<Object> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(normalise(values.get(i), what + "[" + i + "]"));
        }
        // List.copyOf rejects nulls, and null is a legal literal in "in".
        return Collections.unmodifiableList(out);
    }

    /** A big number typed as the JSON codec would type its text, so it meets payload values as equals. */
    private static Object exact(BigDecimal value, String what) {
        try {
            return switch (JsonNumbers.of(value)) {
                case BigDecimal d -> Values.canonical(d);
                case Number n -> n;
            };
        } catch (NumberFormatException e) {
            throw new InvalidViewDefinitionException(what, e.getMessage());
        }
    }

    private static Double finite(double d, String what) {
        if (!Double.isFinite(d)) {
            throw new InvalidViewDefinitionException(what, "a number must be finite, got " + d);
        }
        return d;
    }
}
