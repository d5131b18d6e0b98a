package dev.peregrine.store.view;

import java.util.List;
import java.util.Objects;

/**
 * A condition on an event that decides whether the event enters a view. Predicates are data: each
 * has a JSON form (shown on each case) so a server can accept them from clients.
 *
 * <p>Fields are addressed by a dotted path into the payload ({@code "customer.address.city"}), or by
 * one of the event's own attributes: {@code $event_type}, {@code $entity_id}, {@code $tenant_id},
 * {@code $position}, {@code $timestamp} (epoch nanoseconds), {@code $version}.
 *
 * <p>Literal values are {@code null}, {@link Boolean}, {@link Long}, {@link Double},
 * {@link java.math.BigDecimal} or {@link String}; other numbers are normalised by the factory methods,
 * a BigDecimal or BigInteger by the rule the JSON codec types numbers with
 * ({@link dev.peregrine.record.JsonNumbers}), so that a literal compares with a payload number as
 * the same JSON text would.
 *
 * <pre>{@code
 * ViewPredicate big = ViewPredicate.and(
 *     ViewPredicate.compare("amount", ComparisonOperator.GE, 100),
 *     ViewPredicate.in("status", List.of("new", "paid")));
 * }</pre>
 */
public sealed interface ViewPredicate {

    /**
     * {@code {"field": path, "op": "<", "value": v}}: compares a field with a literal. A missing field
     * fails every comparison except {@code !=}.
     *
     * @param field the field path
     * @param op the operator
     * @param value the literal to compare with
     */
    record Compare(String field, ComparisonOperator op, Object value) implements ViewPredicate {
        /** Checks and normalises the parts. */
        public Compare {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(op, "op");
            value = Literals.normalise(value, "value");
        }
    }

    /**
     * {@code {"field": path, "op": "in", "value": [v1, v2]}}: the field equals one of the literals.
     *
     * @param field the field path
     * @param values the accepted literals
     */
    record In(String field, List<Object> values) implements ViewPredicate {
        /** Checks and normalises the parts. */
        public In {
            Objects.requireNonNull(field, "field");
            values = Literals.normaliseAll(values, "values");
        }
    }

    /**
     * {@code {"field": path, "op": "exists"}}: the field is present (even if {@code null}).
     *
     * @param field the field path
     */
    record Exists(String field) implements ViewPredicate {
        /** Checks the part. */
        public Exists {
            Objects.requireNonNull(field, "field");
        }
    }

    /**
     * {@code {"field": path, "op": "contains", "value": v}}: a string field contains {@code v} as a
     * substring, or an array field has an element equal to {@code v}.
     *
     * @param field the field path
     * @param value the substring or element
     */
    record Contains(String field, Object value) implements ViewPredicate {
        /** Checks and normalises the parts. */
        public Contains {
            Objects.requireNonNull(field, "field");
            value = Literals.normalise(value, "value");
        }
    }

    /**
     * {@code {"and": [p1, p2, ...]}}: every part holds (true when there are none).
     *
     * @param parts the conjuncts
     */
    record And(List<ViewPredicate> parts) implements ViewPredicate {
        /** Copies the parts. */
        public And {
            parts = List.copyOf(parts);
        }
    }

    /**
     * {@code {"or": [p1, p2, ...]}}: at least one part holds (false when there are none).
     *
     * @param parts the disjuncts
     */
    record Or(List<ViewPredicate> parts) implements ViewPredicate {
        /** Copies the parts. */
        public Or {
            parts = List.copyOf(parts);
        }
    }

    /**
     * {@code {"not": p}}: the part does not hold.
     *
     * @param part the negated predicate
     */
    record Not(ViewPredicate part) implements ViewPredicate {
        /** Checks the part. */
        public Not {
            Objects.requireNonNull(part, "part");
        }
    }

    /**
     * @param field a field path
     * @param op the operator
     * @param value the literal
     * @return {@code field op value}
     */
    static ViewPredicate compare(String field, ComparisonOperator op, Object value) {
        return new Compare(field, op, value);
    }

    /**
     * @param field a field path
     * @param values the accepted literals
     * @return {@code field in values}
     */
    static ViewPredicate in(String field, List<?> values) {
        return new In(field, new java.util.ArrayList<>(values));
    }

    /**
     * @param field a field path
     * @return {@code field exists}
     */
    static ViewPredicate exists(String field) {
        return new Exists(field);
    }

    /**
     * @param field a field path
     * @param value a substring or an array element
     * @return {@code field contains value}
     */
    static ViewPredicate contains(String field, Object value) {
        return new Contains(field, value);
    }

    /**
     * @param parts conjuncts
     * @return their conjunction
     */
    static ViewPredicate and(ViewPredicate... parts) {
        return new And(List.of(parts));
    }

    /**
     * @param parts disjuncts
     * @return their disjunction
     */
    static ViewPredicate or(ViewPredicate... parts) {
        return new Or(List.of(parts));
    }

    /**
     * @param part a predicate
     * @return its negation
     */
    static ViewPredicate not(ViewPredicate part) {
        return new Not(part);
    }
}
