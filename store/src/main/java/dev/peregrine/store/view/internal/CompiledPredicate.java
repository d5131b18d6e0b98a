package dev.peregrine.store.view.internal;

import dev.peregrine.store.view.ComparisonOperator;
import dev.peregrine.store.view.ViewPredicate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link ViewPredicate} compiled against a view's {@link ResolvedSchema}: every field path is an
 * index into the schema, resolved once when the view is compiled, so testing an event costs no name
 * lookup. Immutable and thread-safe; evaluation reads the fields the schema bound for the current
 * event.
 */
abstract sealed class CompiledPredicate {

    /** A predicate that always holds, for views with no {@code where}. */
    static final CompiledPredicate TRUE = new All(new CompiledPredicate[0]);

    /**
     * @param fields the bound fields of the event under test
     * @return whether the event satisfies the predicate
     */
    abstract boolean test(BoundFields fields);

    /**
     * Compiles a predicate, registering each field path with the schema.
     *
     * @param p the predicate
     * @param schema the view's schema
     * @return the compiled predicate
     */
    static CompiledPredicate compile(ViewPredicate p, ResolvedSchema.Builder schema) {
        return switch (p) {
            case ViewPredicate.Compare c -> new Compare(schema.field(c.field()), c.op(), c.value());
            case ViewPredicate.In in -> new In(schema.field(in.field()), in.values());
            case ViewPredicate.Exists e -> new Exists(schema.field(e.field()));
            case ViewPredicate.Contains c -> new Contains(schema.field(c.field()), c.value());
            case ViewPredicate.And and -> new All(compileAll(and.parts(), schema));
            case ViewPredicate.Or or -> new Any(compileAll(or.parts(), schema));
            case ViewPredicate.Not not -> new Negation(compile(not.part(), schema));
        };
    }

    private static CompiledPredicate[] compileAll(List<ViewPredicate> parts, ResolvedSchema.Builder schema) {
        CompiledPredicate[] out = new CompiledPredicate[parts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = compile(parts.get(i), schema);
        }
        return out;
    }

    /** {@code field op literal}; a missing field, or one of another kind, satisfies only {@code !=}. */
    static final class Compare extends CompiledPredicate {
        private final int field;
        private final ComparisonOperator op;
        private final Object literal;
        private final boolean numericLiteral;
        private final long longLiteral;

        Compare(int field, ComparisonOperator op, Object literal) {
            this.field = field;
            this.op = op;
            this.literal = literal;
            this.numericLiteral = literal instanceof Long;
            this.longLiteral = literal instanceof Long l ? l : 0;
        }

        @Override
        boolean test(BoundFields fields) {
            // Fast path: an integer field against an integer literal reads the field unboxed.
            if (numericLiteral && fields.isLong(field)) {
                return op.test(Long.compare(fields.longValue(field), longLiteral));
            }
            Object v = fields.value(field);
            if (v == BoundFields.MISSING || !Values.comparable(v, literal)) {
                return op == ComparisonOperator.NE;
            }
            return op.test(Values.compare(v, literal));
        }
    }

    /** {@code field in [literals]}, by {@link Values#equal}. */
    static final class In extends CompiledPredicate {
        private final int field;
        private final Object[] literals;
        private final Set<Object> strings;

        In(int field, List<Object> literals) {
            this.field = field;
            this.literals = literals.toArray();
            Set<Object> s = new HashSet<>();
            boolean allStrings = true;
            for (Object l : literals) {
                allStrings &= l instanceof String;
                s.add(l);
            }
            // Many string literals: a hash lookup instead of a scan.
            this.strings = allStrings && literals.size() > 4 ? s : null;
        }

        @Override
        boolean test(BoundFields fields) {
            Object v = fields.value(field);
            if (v == BoundFields.MISSING) {
                return false;
            }
            if (strings != null) {
                return strings.contains(v);
            }
            for (Object l : literals) {
                if (Values.equal(v, l)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code field exists}: present, even as null. */
    static final class Exists extends CompiledPredicate {
        private final int field;

        Exists(int field) {
            this.field = field;
        }

        @Override
        boolean test(BoundFields fields) {
            return fields.value(field) != BoundFields.MISSING;
        }
    }

    /** {@code field contains literal}: substring of a string, or element of an array. */
    static final class Contains extends CompiledPredicate {
        private final int field;
        private final Object literal;

        Contains(int field, Object literal) {
            this.field = field;
            this.literal = literal;
        }

        @Override
        boolean test(BoundFields fields) {
            if (fields.isArray(field)) {
                return fields.arrayContains(field, literal);
            }
            Object v = fields.value(field);
            return v instanceof String s && literal instanceof String sub && s.contains(sub);
        }
    }

    /** Conjunction. */
    static final class All extends CompiledPredicate {
        private final CompiledPredicate[] parts;

        All(CompiledPredicate[] parts) {
            this.parts = parts;
        }

        @Override
        boolean test(BoundFields fields) {
            for (CompiledPredicate p : parts) {
                if (!p.test(fields)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Disjunction. */
    static final class Any extends CompiledPredicate {
        private final CompiledPredicate[] parts;

        Any(CompiledPredicate[] parts) {
            this.parts = parts;
        }

        @Override
        boolean test(BoundFields fields) {
            for (CompiledPredicate p : parts) {
                if (p.test(fields)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Negation. */
    static final class Negation extends CompiledPredicate {
        private final CompiledPredicate part;

        Negation(CompiledPredicate part) {
            this.part = part;
        }

        @Override
        boolean test(BoundFields fields) {
            return !part.test(fields);
        }
    }
}
