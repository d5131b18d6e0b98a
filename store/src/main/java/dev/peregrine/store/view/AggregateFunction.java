package dev.peregrine.store.view;

/**
 * The aggregate functions of a group-by view. Every function stays exact under retraction (a tombstone
 * removing rows already counted): {@code min}/{@code max} keep a sorted multiset of the values per
 * group and {@code count_distinct} a counted map, so removing the current minimum reveals the next.
 *
 * <p>Missing and {@code null} values are skipped by every function but {@link #COUNT} without a
 * field, as in SQL.
 */
public enum AggregateFunction {
    /** Number of rows (no field), or of rows where the field is present and not null. */
    COUNT("count", false),
    /** Sum of numeric values: an integer while every value is an integer, else a double. */
    SUM("sum", true),
    /** Smallest value (numbers, strings or booleans; see {@link ComparisonOperator} for the order). */
    MIN("min", true),
    /** Largest value. */
    MAX("max", true),
    /** Mean of numeric values as a double; {@code null} for a group with no numeric value. */
    AVG("avg", true),
    /** Number of distinct non-null values. */
    COUNT_DISTINCT("count_distinct", true);

    private final String jsonName;
    private final boolean needsField;

    AggregateFunction(String jsonName, boolean needsField) {
        this.jsonName = jsonName;
        this.needsField = needsField;
    }

    /** @return the function's name in JSON, for example {@code "count_distinct"} */
    public String jsonName() {
        return jsonName;
    }

    /** @return whether the function needs a field to aggregate ({@code count} does not) */
    public boolean needsField() {
        return needsField;
    }

    /**
     * Finds a function by its JSON name.
     *
     * @param name for example {@code "sum"}
     * @return the function, or {@code null} when the name is unknown
     */
    static AggregateFunction byJsonName(String name) {
        for (AggregateFunction f : values()) {
            if (f.jsonName.equals(name)) {
                return f;
            }
        }
        return null;
    }
}
