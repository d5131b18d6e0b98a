package dev.peregrine.store.view;

import java.util.List;

/**
 * The changes one input (an appended event, or a tombstone retracting an entity's events) made to a
 * view. A view emits no delta for an input that changes nothing.
 *
 * @param view the view's name
 * @param position the log position of the input; the view is at this position after the delta
 * @param changes the row changes, in the order they were made
 */
public record ViewDelta(String view, long position, List<ViewChange> changes) {

    /** Copies the changes. */
    public ViewDelta {
        changes = List.copyOf(changes);
    }
}
