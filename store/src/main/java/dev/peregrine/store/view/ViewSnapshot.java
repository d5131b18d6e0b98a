package dev.peregrine.store.view;

import java.util.List;

/**
 * A view's whole content at one log position. Immutable.
 *
 * <p>Rows are sorted: a filter view's by source position, a group view's by group key (values
 * compared in the order of {@link ComparisonOperator}, {@code null} first).
 *
 * @param view the view's name
 * @param position the log position the content reflects (every event up to it, none after)
 * @param columns the column names
 * @param rows the rows
 */
public record ViewSnapshot(String view, long position, List<String> columns, List<ViewRow> rows) {

    /** Copies the lists. */
    public ViewSnapshot {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
