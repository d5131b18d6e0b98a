package dev.peregrine.store.view.internal;

import dev.peregrine.store.view.AggregateFunction;
import dev.peregrine.store.view.ViewAggregate;
import dev.peregrine.store.view.ViewColumn;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewPredicate;
import dev.peregrine.store.view.ViewRow;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference a maintained view is checked against: a full recompute from the log, written as
 * plainly as possible and sharing nothing with the incremental engine but the value order. Events
 * carry their payload as a plain map, so field access here does not go through records or slots.
 */
public final class ViewOracle {

    /** A log entry: an event (payload non-null) or a tombstone (payload null). */
    public record Entry(long position, String type, String entity, String tenant, long timestamp, long version,
                        Map<String, Object> payload) {
        boolean tombstone() {
            return payload == null;
        }
    }

    private static final Object MISSING = new Object();

    private ViewOracle() {}

    /**
     * @param d the view
     * @param log the log in position order
     * @param at the position to compute at
     * @return the view's rows just after {@code at}, sorted as views sort them
     */
    public static List<ViewRow> recompute(ViewDefinition d, List<Entry> log, long at) {
        List<Entry> alive = new ArrayList<>();
        for (Entry e : log) {
            if (e.position() > at) {
                break;
            }
            if (e.tombstone()) {
                alive.removeIf(x -> x.entity().equals(e.entity()));
            } else if ((d.eventTypes().isEmpty() || d.eventTypes().contains(e.type()))
                    && d.where().map(p -> test(p, e)).orElse(true)) {
                alive.add(e);
            }
        }
        List<String> columns = d.columnNames();
        List<ViewRow> rows = new ArrayList<>();
        if (!d.grouped()) {
            for (Entry e : alive) {
                Object[] values = new Object[columns.size()];
                values[0] = e.position();
                for (int i = 0; i < d.select().size(); i++) {
                    values[i + 1] = row(lookup(e, d.select().get(i).field()));
                }
                rows.add(new ViewRow(columns, values));
            }
            return rows;
        }
        Map<List<Object>, List<Entry>> groups = new LinkedHashMap<>();
        for (Entry e : alive) {
            List<Object> key = new ArrayList<>();
            for (ViewColumn c : d.groupBy()) {
                key.add(row(lookup(e, c.field())));
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        List<List<Object>> keys = new ArrayList<>(groups.keySet());
        keys.sort((a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                int c = Values.totalCompare(a.get(i), b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        for (List<Object> key : keys) {
            List<Object> values = new ArrayList<>(key);
            for (ViewAggregate a : d.aggregates()) {
                values.add(aggregate(a, groups.get(key)));
            }
            rows.add(new ViewRow(columns, values.toArray()));
        }
        return rows;
    }

    private static Object aggregate(ViewAggregate a, List<Entry> events) {
        List<Object> vs = new ArrayList<>();
        for (Entry e : events) {
            Object v = a.field() == null ? Boolean.TRUE : row(lookup(e, a.field()));
            if (v != null) {
                vs.add(v);
            }
        }
        AggregateFunction f = a.function();
        switch (f) {
            case COUNT:
                return (long) vs.size();
            case COUNT_DISTINCT:
                return (long) new HashSet<>(vs).size();
            case MIN:
            case MAX: {
                Object best = null;
                for (Object v : vs) {
                    if (best == null || (f == AggregateFunction.MIN ? Values.ORDER.compare(v, best) < 0
                            : Values.ORDER.compare(v, best) > 0)) {
                        best = v;
                    }
                }
                return best;
            }
            default: {
                // Numbers as JSON shows them: a double by its shortest form, a decimal exactly.
                BigDecimal total = BigDecimal.ZERO;
                long numbers = 0;
                boolean doubles = false;
                boolean decimals = false;
                for (Object v : vs) {
                    if (v instanceof Long l) {
                        total = total.add(BigDecimal.valueOf(l));
                        numbers++;
                    } else if (v instanceof Double x) {
                        total = total.add(new BigDecimal(Double.toString(x)));
                        numbers++;
                        doubles = true;
                    } else if (v instanceof BigDecimal x) {
                        total = total.add(x);
                        numbers++;
                        decimals = true;
                    }
                }
                if (f == AggregateFunction.AVG) {
                    if (numbers == 0) {
                        return null;
                    }
                    if (decimals) {
                        BigDecimal exact = total.stripTrailingZeros();
                        return Values.canonical(exact.divide(BigDecimal.valueOf(numbers),
                                new MathContext(Math.max(34, exact.precision()), RoundingMode.HALF_EVEN)));
                    }
                    return total.divide(BigDecimal.valueOf(numbers), MathContext.DECIMAL128).doubleValue();
                }
                if (decimals) {
                    return Values.canonical(total);
                }
                if (doubles) {
                    return total.doubleValue();
                }
                return total.toBigInteger().bitLength() < 64 ? (Object) total.longValueExact()
                        : (Object) Values.canonical(total);
            }
        }
    }

    private static boolean test(ViewPredicate p, Entry e) {
        return switch (p) {
            case ViewPredicate.Compare c -> {
                Object v = lookup(e, c.field());
                if (v == MISSING || v instanceof List || !Values.comparable(v, c.value())) {
                    yield c.op() == dev.peregrine.store.view.ComparisonOperator.NE;
                }
                yield c.op().test(Values.compare(v, c.value()));
            }
            case ViewPredicate.In in -> {
                Object v = lookup(e, in.field());
                yield v != MISSING && !(v instanceof List) && in.values().stream().anyMatch(x -> Values.equal(v, x));
            }
            case ViewPredicate.Exists ex -> lookup(e, ex.field()) != MISSING;
            case ViewPredicate.Contains c -> {
                Object v = lookup(e, c.field());
                if (v instanceof String s) {
                    yield c.value() instanceof String sub && s.contains(sub);
                }
                yield v instanceof List<?> l && l.stream().anyMatch(x -> Values.equal(x, c.value()));
            }
            case ViewPredicate.And and -> and.parts().stream().allMatch(x -> test(x, e));
            case ViewPredicate.Or or -> or.parts().stream().anyMatch(x -> test(x, e));
            case ViewPredicate.Not not -> !test(not.part(), e);
        };
    }

    private static Object row(Object v) {
        return v == MISSING ? null : v;
    }

    @SuppressWarnings("unchecked")
    private static Object lookup(Entry e, String path) {
        switch (path) {
            case "$event_type": return e.type();
            case "$entity_id": return e.entity();
            case "$tenant_id": return e.tenant();
            case "$position": return e.position();
            case "$timestamp": return e.timestamp();
            case "$version": return e.version();
            default: break;
        }
        Object node = e.payload();
        for (String step : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> m) || !m.containsKey(step)) {
                return MISSING;
            }
            node = ((Map<String, Object>) m).get(step);
        }
        return node;
    }

    /** @return the entities whose events exist in the log, for generators */
    static Set<String> entities(List<Entry> log) {
        Set<String> s = new HashSet<>();
        log.forEach(e -> s.add(e.entity()));
        return s;
    }
}
