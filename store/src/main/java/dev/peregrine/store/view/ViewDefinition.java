package dev.peregrine.store.view;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A view declared as data: which events it reads, which of them it keeps, and what rows it shows.
 * Immutable; build one with {@link #builder(String)} or parse one with {@link #fromJson(String)}.
 *
 * <p>A view is either a <em>filter view</em> (no group-by, no aggregates): one row per matching event,
 * keyed by the event's position, holding the selected columns; or a <em>group view</em>: one row per
 * distinct group key, holding the key columns and the aggregates over the group's events.
 *
 * <pre>{@code
 * ViewDefinition totals = ViewDefinition.builder("totals_by_customer")
 *     .eventTypes("order.placed")
 *     .where(ViewPredicate.compare("amount", ComparisonOperator.GT, 0))
 *     .groupBy(new ViewColumn("customer.id", "customer"))
 *     .aggregate(AggregateFunction.COUNT, null, "orders")
 *     .aggregate(AggregateFunction.SUM, "amount", "total")
 *     .build();
 * }</pre>
 *
 * The same view in JSON (see {@code docs/views.md}):
 * <pre>{@code
 * {"name": "totals_by_customer", "event_types": ["order.placed"],
 *  "where": {"field": "amount", "op": ">", "value": 0},
 *  "group_by": [{"field": "customer.id", "as": "customer"}],
 *  "aggregates": [{"fn": "count", "as": "orders"}, {"fn": "sum", "field": "amount", "as": "total"}]}
 * }</pre>
 */
public final class ViewDefinition {

    /** The name of the first column of every filter view's rows: the source event's position. */
    public static final String POSITION_COLUMN = "position";

    /** The event attributes a field path may name instead of a payload field. */
    public static final Set<String> EVENT_ATTRIBUTES = Set.of(
            "$event_type", "$entity_id", "$tenant_id", "$position", "$timestamp", "$version");

    /** Longest view name; names are used in file names, so they are short and plain. */
    public static final int MAX_NAME_LENGTH = 128;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final String name;
    private final Set<String> eventTypes;
    private final ViewPredicate where;
    private final List<ViewColumn> select;
    private final List<ViewColumn> groupBy;
    private final List<ViewAggregate> aggregates;

    private ViewDefinition(Builder b) {
        this.name = b.name;
        this.eventTypes = java.util.Collections.unmodifiableSet(new TreeSet<>(b.eventTypes));
        this.where = b.where;
        this.groupBy = List.copyOf(b.groupBy);
        this.aggregates = List.copyOf(b.aggregates);
        boolean grouped = !groupBy.isEmpty() || !aggregates.isEmpty();
        if (grouped && !b.select.isEmpty()) {
            throw new InvalidViewDefinitionException("select",
                    "a view with group_by or aggregates shows its keys and aggregates; select is not allowed");
        }
        this.select = grouped || !b.select.isEmpty()
                ? List.copyOf(b.select)
                : List.of(new ViewColumn("$entity_id", "entity_id"), new ViewColumn("$event_type", "event_type"));
        validate();
    }

    /**
     * Starts a definition.
     *
     * @param name the view's name: 1 to 128 characters of {@code [A-Za-z0-9_.-]}, not starting with
     *     {@code .}, {@code _} or {@code -}
     * @return a builder with no source filter, no predicate and no columns
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Parses a definition from its JSON form (documented in {@code docs/views.md}).
     *
     * @param json the definition
     * @return the definition
     * @throws InvalidViewDefinitionException naming the place and the problem when the JSON is malformed
     *     or the definition is invalid
     */
    public static ViewDefinition fromJson(String json) {
        return ViewDefinitionJson.parse(json);
    }

    /** @return the definition as compact JSON that {@link #fromJson} reads back to an equal definition */
    public String toJson() {
        return ViewDefinitionJson.write(this);
    }

    /** @return the view's name */
    public String name() {
        return name;
    }

    /** @return the event types the view reads, sorted; empty means every type */
    public Set<String> eventTypes() {
        return eventTypes;
    }

    /** @return the predicate events must satisfy, if any */
    public Optional<ViewPredicate> where() {
        return Optional.ofNullable(where);
    }

    /**
     * @return the columns of a filter view after {@value #POSITION_COLUMN}; by default
     *     {@code $entity_id} as {@code entity_id} and {@code $event_type} as {@code event_type}. Empty
     *     for a group view.
     */
    public List<ViewColumn> select() {
        return select;
    }

    /** @return the group key columns; empty for a filter view or a single-group aggregate view */
    public List<ViewColumn> groupBy() {
        return groupBy;
    }

    /** @return the aggregate columns; empty for a filter view */
    public List<ViewAggregate> aggregates() {
        return aggregates;
    }

    /** @return whether this is a group view (has group-by columns or aggregates) */
    public boolean grouped() {
        return !groupBy.isEmpty() || !aggregates.isEmpty();
    }

    /** @return the names of the view's columns, in row order */
    public List<String> columnNames() {
        List<String> names = new ArrayList<>();
        if (grouped()) {
            groupBy.forEach(c -> names.add(c.name()));
            aggregates.forEach(a -> names.add(a.name()));
        } else {
            names.add(POSITION_COLUMN);
            select.forEach(c -> names.add(c.name()));
        }
        return List.copyOf(names);
    }

    private void validate() {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidViewDefinitionException("name", "a view name is 1 to " + MAX_NAME_LENGTH
                    + " characters of [A-Za-z0-9_.-] starting with a letter or digit, got "
                    + (name == null ? "none" : "'" + name + "'"));
        }
        for (String type : eventTypes) {
            if (type == null || type.isEmpty()) {
                throw new InvalidViewDefinitionException("event_types", "an event type must not be empty");
            }
        }
        if (where != null) {
            checkPredicate(where, "where");
        }
        Set<String> columns = new HashSet<>();
        if (!grouped()) {
            columns.add(POSITION_COLUMN);
        }
        checkColumns(select, "select", columns);
        checkColumns(groupBy, "group_by", columns);
        for (int i = 0; i < aggregates.size(); i++) {
            ViewAggregate a = aggregates.get(i);
            String at = "aggregates[" + i + "]";
            if (a.field() != null) {
                checkPath(a.field(), at + ".field");
            }
            checkColumnName(a.name(), at + ".as", columns);
        }
    }

    private static void checkColumns(List<ViewColumn> cols, String what, Set<String> seen) {
        for (int i = 0; i < cols.size(); i++) {
            checkPath(cols.get(i).field(), what + "[" + i + "].field");
            checkColumnName(cols.get(i).name(), what + "[" + i + "].as", seen);
        }
    }

    private static void checkColumnName(String column, String at, Set<String> seen) {
        if (column.isEmpty()) {
            throw new InvalidViewDefinitionException(at, "a column name must not be empty");
        }
        if (!seen.add(column)) {
            throw new InvalidViewDefinitionException(at, "column '" + column + "' appears twice");
        }
    }

    private static void checkPredicate(ViewPredicate p, String at) {
        switch (p) {
            case ViewPredicate.Compare c -> checkPath(c.field(), at + ".field");
            case ViewPredicate.In in -> checkPath(in.field(), at + ".field");
            case ViewPredicate.Exists e -> checkPath(e.field(), at + ".field");
            case ViewPredicate.Contains c -> checkPath(c.field(), at + ".field");
            case ViewPredicate.And and -> {
                for (int i = 0; i < and.parts().size(); i++) {
                    checkPredicate(and.parts().get(i), at + ".and[" + i + "]");
                }
            }
            case ViewPredicate.Or or -> {
                for (int i = 0; i < or.parts().size(); i++) {
                    checkPredicate(or.parts().get(i), at + ".or[" + i + "]");
                }
            }
            case ViewPredicate.Not not -> checkPredicate(not.part(), at + ".not");
        }
    }

    /**
     * Checks a field path: an event attribute, or dot-separated non-empty payload field names.
     *
     * @param path the path
     * @param at where it sits in the definition
     */
    static void checkPath(String path, String at) {
        if (path.startsWith("$")) {
            if (!EVENT_ATTRIBUTES.contains(path)) {
                throw new InvalidViewDefinitionException(at, "unknown event attribute '" + path
                        + "'; known: " + new TreeSet<>(EVENT_ATTRIBUTES));
            }
            return;
        }
        try {
            dev.peregrine.record.FieldPath.parse(path);
        } catch (IllegalArgumentException e) {
            throw new InvalidViewDefinitionException(at, e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ViewDefinition d && name.equals(d.name) && eventTypes.equals(d.eventTypes)
                && Objects.equals(where, d.where) && select.equals(d.select) && groupBy.equals(d.groupBy)
                && aggregates.equals(d.aggregates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, eventTypes, where, select, groupBy, aggregates);
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Builds a {@link ViewDefinition}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Set<String> eventTypes = new LinkedHashSet<>();
        private ViewPredicate where;
        private final List<ViewColumn> select = new ArrayList<>();
        private final List<ViewColumn> groupBy = new ArrayList<>();
        private final List<ViewAggregate> aggregates = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param types event types the view reads (adds to any given before); none means every type
         * @return this builder
         */
        public Builder eventTypes(String... types) {
            eventTypes.addAll(List.of(types));
            return this;
        }

        /**
         * @param predicate the condition events must satisfy; {@code null} for none
         * @return this builder
         */
        public Builder where(ViewPredicate predicate) {
            this.where = predicate;
            return this;
        }

        /**
         * @param columns columns a filter view keeps (adds to any given before)
         * @return this builder
         */
        public Builder select(ViewColumn... columns) {
            select.addAll(List.of(columns));
            return this;
        }

        /**
         * @param columns group key columns (adds to any given before)
         * @return this builder
         */
        public Builder groupBy(ViewColumn... columns) {
            groupBy.addAll(List.of(columns));
            return this;
        }

        /**
         * @param function the aggregate function
         * @param field the aggregated field path, {@code null} for {@code count} of rows
         * @param column the column name
         * @return this builder
         */
        public Builder aggregate(AggregateFunction function, String field, String column) {
            aggregates.add(new ViewAggregate(function, field, column));
            return this;
        }

        /**
         * @return the definition
         * @throws InvalidViewDefinitionException naming the place and the problem
         */
        public ViewDefinition build() {
            return new ViewDefinition(this);
        }
    }
}
