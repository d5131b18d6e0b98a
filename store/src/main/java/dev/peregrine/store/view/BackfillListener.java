package dev.peregrine.store.view;

/**
 * Reports the progress of a view being filled from the existing log (at registration or rebuild).
 * Called on the backfilling thread about every 1% of the work, and once at the end with
 * {@code position == target}.
 */
@FunctionalInterface
public interface BackfillListener {

    /** A listener that ignores progress. */
    BackfillListener NONE = (view, position, target) -> { };

    /**
     * @param view the view's name
     * @param position the last log position applied
     * @param target the log position the backfill runs to
     */
    void onProgress(String view, long position, long target);
}
