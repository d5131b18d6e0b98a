package dev.peregrine.store.view;

/**
 * The comparison operators of a {@link ViewPredicate.Compare} predicate, with the symbol each has in a
 * view definition's JSON.
 *
 * <p>Numbers compare by value whatever their width ({@code 2 = 2.0}); strings compare by UTF-16 code
 * units; booleans {@code false < true}. A comparison between values of different kinds (a string
 * against a number, say) is false for every operator except {@link #NE}, which is true.
 */
public enum ComparisonOperator {
    /** {@code =}: equal. */
    EQ("="),
    /** {@code !=}: not equal, or of a different kind. */
    NE("!="),
    /** {@code <}: less than. */
    LT("<"),
    /** {@code <=}: less than or equal. */
    LE("<="),
    /** {@code >}: greater than. */
    GT(">"),
    /** {@code >=}: greater than or equal. */
    GE(">=");

    private final String symbol;

    ComparisonOperator(String symbol) {
        this.symbol = symbol;
    }

    /** @return the operator's symbol in JSON, for example {@code "<="} */
    public String symbol() {
        return symbol;
    }

    /**
     * Finds an operator by its JSON symbol.
     *
     * @param symbol one of {@code = != < <= > >=}
     * @return the operator, or {@code null} when the symbol names none (the parser turns that into an
     *     error naming the place in the definition)
     */
    static ComparisonOperator bySymbol(String symbol) {
        for (ComparisonOperator op : values()) {
            if (op.symbol.equals(symbol)) {
                return op;
            }
        }
        return null;
    }

    /**
     * Whether a three-way comparison result satisfies this operator.
     *
     * @param cmp negative, zero or positive as by {@link Comparable#compareTo}
     * @return whether {@code left op right} holds
     */
    public boolean test(int cmp) {
        return switch (this) {
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            case GE -> cmp >= 0;
        };
    }
}
