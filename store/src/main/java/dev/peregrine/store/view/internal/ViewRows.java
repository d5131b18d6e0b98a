package dev.peregrine.store.view.internal;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.view.ViewChange;
import dev.peregrine.store.view.ViewRow;
import java.io.IOException;
import java.util.List;

/**
 * A view's current content, the fold of every contribution still alive: a group view's
 * {@link GroupTable} (one entry per group) or a filter view's {@link FilterRows} (one per matching
 * event). This, not the events that made it, is what a view keeps and persists. Not thread-safe.
 */
sealed interface ViewRows permits GroupTable, FilterRows {

    /**
     * Applies a weighted contribution.
     *
     * @param position the contributing event's position
     * @param tuple the values the view derived from it (may be reused by the caller)
     * @param weight +1 or −1
     * @param changes receives the row changes, or {@code null} when nobody listens
     * @throws IllegalStateException when retracting what is not there
     */
    void apply(long position, Object[] tuple, int weight, List<ViewChange> changes);

    /** @return the number of rows */
    int size();

    /** @return the rows, sorted (see {@link dev.peregrine.store.view.ViewSnapshot}) */
    List<ViewRow> rows();

    /** @return an empty content of the same shape */
    ViewRows emptyCopy();

    /**
     * Writes the content ({@code docs/storage-format.md}, view state).
     *
     * @param out the state file
     * @throws IOException when it cannot be written
     */
    void write(AtomicFile.Output out) throws IOException;

    /**
     * Reads content written by {@link #write} into this empty one.
     *
     * @param in the state file
     * @throws dev.peregrine.store.CorruptFileException when it is malformed
     */
    void read(FileBody in);
}
