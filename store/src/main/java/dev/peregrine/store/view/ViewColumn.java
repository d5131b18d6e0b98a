package dev.peregrine.store.view;

import java.util.Objects;

/**
 * A field a view keeps (in {@code select}) or groups by (in {@code group_by}), and the column name it
 * gets. JSON: {@code {"field": "customer.id", "as": "customer"}}; without {@code "as"} the column is
 * named after the whole path.
 *
 * @param field the field path (see {@link ViewPredicate} for the syntax and the {@code $} attributes)
 * @param name the column name in the view's rows
 */
public record ViewColumn(String field, String name) {

    /** Checks the parts. */
    public ViewColumn {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(name, "name");
    }

    /**
     * @param field a field path
     * @return a column named after the path
     */
    public static ViewColumn of(String field) {
        return new ViewColumn(field, field);
    }
}
