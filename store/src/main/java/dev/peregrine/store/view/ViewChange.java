package dev.peregrine.store.view;

/**
 * One row's change in a {@link ViewDelta}.
 *
 * @param kind what happened to the row
 * @param before the row before the change; {@code null} for {@link Kind#ADDED}
 * @param after the row after the change; {@code null} for {@link Kind#REMOVED}
 */
public record ViewChange(Kind kind, ViewRow before, ViewRow after) {

    /** What happened to a row. */
    public enum Kind {
        /** A new row (a matching event, or the first event of a group). */
        ADDED,
        /** A row is gone (its event was retracted, or its group emptied). */
        REMOVED,
        /** A group's aggregates changed. */
        UPDATED
    }

    /**
     * @param row the new row
     * @return an {@link Kind#ADDED} change
     */
    public static ViewChange added(ViewRow row) {
        return new ViewChange(Kind.ADDED, null, row);
    }

    /**
     * @param row the removed row
     * @return a {@link Kind#REMOVED} change
     */
    public static ViewChange removed(ViewRow row) {
        return new ViewChange(Kind.REMOVED, row, null);
    }

    /**
     * @param before the row before
     * @param after the row after
     * @return an {@link Kind#UPDATED} change
     */
    public static ViewChange updated(ViewRow before, ViewRow after) {
        return new ViewChange(Kind.UPDATED, before, after);
    }
}
