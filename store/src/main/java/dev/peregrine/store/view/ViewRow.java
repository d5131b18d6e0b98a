package dev.peregrine.store.view;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One row of a view: values in the order of {@link ViewDefinition#columnNames()}. Values are
 * {@code null}, {@link Boolean}, {@link Long}, {@link Double}, {@link java.math.BigDecimal} (a payload
 * DECIMAL, or an aggregate over one, in canonical form: numerically equal decimals are equal) or
 * {@link String}. Immutable.
 *
 * <p>A filter view's row starts with the source event's position ({@link #position()}); a group
 * view's row starts with its group key columns.
 */
public final class ViewRow {

    private final List<String> columns;
    private final Object[] values;

    /**
     * @param columns the column names (shared by every row of a view; not copied)
     * @param values the values, one per column (copied)
     */
    public ViewRow(List<String> columns, Object... values) {
        if (columns.size() != values.length) {
            throw new IllegalArgumentException(columns.size() + " columns but " + values.length + " values");
        }
        this.columns = columns;
        this.values = values.clone();
    }

    /** @return the column names */
    public List<String> columns() {
        return columns;
    }

    /** @return the values, in column order (the list allows {@code null} values) */
    public List<Object> values() {
        return Collections.unmodifiableList(Arrays.asList(values.clone()));
    }

    /**
     * @param index a column index
     * @return the value in that column
     */
    public Object get(int index) {
        return values[index];
    }

    /**
     * @param column a column name
     * @return the value in that column
     * @throws IllegalArgumentException when the view has no such column
     */
    public Object get(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no column '" + column + "'; columns: " + columns);
        }
        return values[i];
    }

    /**
     * @return the source event's position for a filter view's row
     * @throws IllegalStateException for a group view's row
     */
    public long position() {
        if (!ViewDefinition.POSITION_COLUMN.equals(columns.get(0)) || !(values[0] instanceof Long p)) {
            throw new IllegalStateException("a group view's row has no source position");
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ViewRow r && columns.equals(r.columns) && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(columns, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(columns.get(i)).append('=').append(values[i]);
        }
        return sb.append('}').toString();
    }
}
