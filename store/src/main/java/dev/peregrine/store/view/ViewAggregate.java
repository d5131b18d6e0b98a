package dev.peregrine.store.view;

import java.util.Objects;

/**
 * One aggregate column of a group-by view. JSON:
 * {@code {"fn": "sum", "field": "amount", "as": "total"}}; {@code "field"} is optional for
 * {@code count} only.
 *
 * @param function the aggregate function
 * @param field the aggregated field path, or {@code null} for {@code count} of rows
 * @param name the column name in the view's rows
 */
public record ViewAggregate(AggregateFunction function, String field, String name) {

    /** Checks the parts. */
    public ViewAggregate {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(name, "name");
        if (field == null && function.needsField()) {
            throw new InvalidViewDefinitionException(name, function.jsonName() + " needs a field");
        }
    }
}
