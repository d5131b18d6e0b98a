package dev.peregrine.store.view.internal;

import dev.peregrine.store.view.AggregateFunction;
import dev.peregrine.store.view.ComparisonOperator;
import dev.peregrine.store.view.ViewColumn;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewPredicate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random payloads and random view definitions over them, for property tests. Each payload field keeps
 * one kind (so {@code 2} and {@code 2.0} never meet in one field) but may be missing or null, except
 * {@code m}, whose numbers mix longs at the ends of their range, doubles and decimals beyond both
 * (record DECIMALs), so that comparisons, group keys and aggregates meet every pair of number kinds.
 */
public final class RandomViews {

    public static final String[] TYPES = {"order.placed", "order.paid", "user.seen"};
    static final String[] WORDS = {"red", "green", "blue", "teal", "redwood"};
    private static final String[] SCALARS = {"a", "b", "s", "flag", "n.x", "n.tag", "$entity_id", "$event_type",
        "$version", "$tenant_id", "m"};
    private static final String[] NUMERIC = {"a", "b", "n.x", "$version", "m"};
    /** Values of {@code m}: equal in value across kinds where they can be (2^63 three ways). */
    private static final Object[] MIXED = {3L, -2L, Long.MAX_VALUE, Long.MIN_VALUE, 0x1p63, 0.5,
        Values.canonical(new BigDecimal("9223372036854775808")), Values.canonical(new BigDecimal("-9223372036854775809")),
        Values.canonical(new BigDecimal("18446744073709551617")), Values.canonical(new BigDecimal("1E-400")),
        Values.canonical(new BigDecimal("-1E-400")), Values.canonical(new BigDecimal("1E+400")),
        Values.canonical(new BigDecimal("0.1000000000000000055511151231257827"))};

    private final Random rnd;

    public RandomViews(Random rnd) {
        this.rnd = rnd;
    }

    /** @return a random payload as a plain map (nested object {@code n}, array {@code tags}) */
    public Map<String, Object> payload() {
        Map<String, Object> m = new LinkedHashMap<>();
        maybe(m, "a", () -> (long) rnd.nextInt(20) - 5);
        maybe(m, "b", () -> rnd.nextInt(40) / 4.0);
        maybe(m, "s", () -> WORDS[rnd.nextInt(WORDS.length)]);
        maybe(m, "flag", rnd::nextBoolean);
        maybe(m, "m", () -> MIXED[rnd.nextInt(MIXED.length)]);
        if (rnd.nextInt(4) > 0) {
            Map<String, Object> n = new LinkedHashMap<>();
            maybe(n, "x", () -> (long) rnd.nextInt(6));
            maybe(n, "tag", () -> WORDS[rnd.nextInt(3)]);
            m.put("n", n);
        }
        if (rnd.nextInt(3) > 0) {
            List<Object> tags = new ArrayList<>();
            for (int i = rnd.nextInt(3); i > 0; i--) {
                tags.add(WORDS[rnd.nextInt(WORDS.length)]);
            }
            m.put("tags", tags);
        }
        return m;
    }

    private void maybe(Map<String, Object> m, String key, java.util.function.Supplier<Object> value) {
        int r = rnd.nextInt(10);
        if (r == 0) {
            m.put(key, null);
        } else if (r > 1) {
            m.put(key, value.get());
        }
    }

    /**
     * @param name the view's name
     * @return a random filter or group view
     */
    public ViewDefinition definition(String name) {
        ViewDefinition.Builder b = ViewDefinition.builder(name);
        if (rnd.nextBoolean()) {
            b.eventTypes(TYPES[rnd.nextInt(TYPES.length)]);
            if (rnd.nextBoolean()) {
                b.eventTypes(TYPES[rnd.nextInt(TYPES.length)]);
            }
        }
        if (rnd.nextInt(4) > 0) {
            b.where(predicate(2));
        }
        if (rnd.nextBoolean()) {
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                b.select(new ViewColumn(SCALARS[rnd.nextInt(SCALARS.length)], "c" + i));
            }
        } else {
            int keys = rnd.nextInt(3);
            for (int i = 0; i < keys; i++) {
                String[] keyFields = {"s", "n.tag", "flag", "a", "$entity_id", "$event_type", "m"};
                b.groupBy(new ViewColumn(keyFields[rnd.nextInt(keyFields.length)], "k" + i));
            }
            int aggs = 1 + rnd.nextInt(4);
            for (int i = 0; i < aggs; i++) {
                AggregateFunction f = AggregateFunction.values()[rnd.nextInt(AggregateFunction.values().length)];
                String field = f == AggregateFunction.COUNT && rnd.nextBoolean() ? null
                        : f == AggregateFunction.SUM || f == AggregateFunction.AVG
                                ? NUMERIC[rnd.nextInt(NUMERIC.length)] : SCALARS[rnd.nextInt(SCALARS.length)];
                b.aggregate(f, field, "g" + i);
            }
        }
        return b.build();
    }

    ViewPredicate predicate(int depth) {
        int r = rnd.nextInt(depth > 0 ? 10 : 6);
        String field = SCALARS[rnd.nextInt(SCALARS.length)];
        return switch (r) {
            case 0, 1 -> ViewPredicate.compare(field, ComparisonOperator.values()[rnd.nextInt(6)], literal(field));
            case 2 -> ViewPredicate.in(field, java.util.Arrays.asList(literal(field), literal(field)));
            case 3 -> ViewPredicate.exists(rnd.nextBoolean() ? field : "tags");
            case 4 -> rnd.nextBoolean() ? ViewPredicate.contains("tags", WORDS[rnd.nextInt(WORDS.length)])
                    : ViewPredicate.contains("s", "re");
            case 5 -> ViewPredicate.compare("a", ComparisonOperator.values()[rnd.nextInt(6)], (long) rnd.nextInt(10));
            case 6, 7 -> ViewPredicate.and(predicate(depth - 1), predicate(depth - 1));
            case 8 -> ViewPredicate.or(predicate(depth - 1), predicate(depth - 1));
            default -> ViewPredicate.not(predicate(depth - 1));
        };
    }

    private Object literal(String field) {
        return switch (field) {
            case "a", "n.x", "$version" -> (long) rnd.nextInt(10);
            case "b" -> rnd.nextInt(20) / 2.0;
            case "flag" -> rnd.nextBoolean();
            case "m" -> MIXED[rnd.nextInt(MIXED.length)];
            case "$entity_id" -> "e" + rnd.nextInt(8);
            case "$event_type" -> TYPES[rnd.nextInt(TYPES.length)];
            case "$tenant_id" -> rnd.nextBoolean() ? "t1" : null;
            default -> WORDS[rnd.nextInt(WORDS.length)];
        };
    }
}
