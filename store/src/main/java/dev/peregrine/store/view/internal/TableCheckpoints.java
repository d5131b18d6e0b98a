package dev.peregrine.store.view.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A group view's checkpoints for as-of reads: copies of its {@link GroupTable} at a few past
 * positions, at most {@link #capacity()} of them, spaced exponentially (dense near the head of the
 * log, sparse far back). An as-of read at {@code p} copies the newest checkpoint at or below
 * {@code p} and replays the log from there to {@code p}, so its cost is one table copy plus the
 * entries between that checkpoint and {@code p}.
 *
 * <p><b>When.</b> A checkpoint is taken when the view has moved at least
 * {@code max(minSpacing, groups)} positions past the newest one: the copy costs one step per group, so
 * spacing it by at least the number of groups keeps its cost at most one group copy per position.
 *
 * <p><b>Which are kept.</b> When a new checkpoint makes one too many, the one dropped is the one
 * whose removal leaves the smallest gap relative to its age ({@code (next − previous) / (head − it)}),
 * never the newest. Repeated, this keeps gaps roughly proportional to age: an as-of read {@code a}
 * positions back replays about {@code a · (r − 1)} entries, where {@code r} is about
 * {@code (span / minSpacing)^(1 / capacity)}. The oldest gap is measured from the view's origin (its
 * first contribution), before which the view is empty.
 *
 * <p>Memory: at most {@code capacity} tables, and at most {@link #GROUP_BUDGET} groups over all of them
 * (a view of many groups keeps fewer checkpoints, at least one), so O(min(capacity × groups,
 * budget + groups)) whatever the number of events. Not thread-safe (owned by one {@link MaintainedView}).
 */
final class TableCheckpoints {

    /** Checkpoints kept by default. */
    static final int DEFAULT_CAPACITY = 32;
    /** Fewest positions between two checkpoints by default. */
    static final long DEFAULT_MIN_SPACING = 1_024;

    /**
     * Groups held over all checkpoints beyond which older ones are thinned out (a group costs some
     * 100–300 bytes of heap): 32 checkpoints up to about 7,800 groups, fewer above.
     */
    static final long GROUP_BUDGET = 250_000;

    /** One checkpoint: the table just after {@code position} was applied. */
    record Checkpoint(long position, GroupTable table) {}

    private final int capacity;
    private final long minSpacing;
    private final List<Checkpoint> kept = new ArrayList<>();

    /**
     * @param capacity checkpoints kept, at least 1
     * @param minSpacing fewest positions between two checkpoints, at least 1
     */
    TableCheckpoints(int capacity, long minSpacing) {
        if (capacity < 1 || minSpacing < 1) {
            throw new IllegalArgumentException("capacity and spacing are at least 1: " + capacity + ", " + minSpacing);
        }
        this.capacity = capacity;
        this.minSpacing = minSpacing;
    }

    int capacity() {
        return capacity;
    }

    long minSpacing() {
        return minSpacing;
    }

    /** @return the checkpoints, oldest first (not to be modified) */
    List<Checkpoint> all() {
        return kept;
    }

    /** @return the number of groups held over all checkpoints */
    long groupsHeld() {
        long n = 0;
        for (Checkpoint c : kept) {
            n += c.table().size();
        }
        return n;
    }

    /**
     * Called after each position the view applies: takes a checkpoint when one is due.
     *
     * @param position the position just applied
     * @param origin the view's first contribution (0 if none yet: nothing to keep)
     * @param live the view's table now; copied if a checkpoint is taken
     */
    void offer(long position, long origin, GroupTable live) {
        if (origin == 0) {
            return;
        }
        long newest = kept.isEmpty() ? origin - 1 : kept.getLast().position();
        if (position - newest < Math.max(minSpacing, live.size())) {
            return;
        }
        kept.add(new Checkpoint(position, live.copy()));
        while (kept.size() > capacity || (kept.size() > 1 && groupsHeld() > GROUP_BUDGET)) {
            thin(position, origin);
        }
    }

    private void thin(long head, long origin) {
        int drop = -1;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < kept.size() - 1; i++) {
            long previous = i == 0 ? origin - 1 : kept.get(i - 1).position();
            long next = kept.get(i + 1).position();
            double cost = (double) (next - previous) / (head - kept.get(i).position());
            if (cost < best) {
                best = cost;
                drop = i;
            }
        }
        kept.remove(drop);
    }

    /**
     * @param position a log position
     * @return the newest checkpoint at or below it, or {@code null}
     */
    Checkpoint floor(long position) {
        Checkpoint found = null;
        for (Checkpoint c : kept) {
            if (c.position() > position) {
                break;
            }
            found = c;
        }
        return found;
    }

    /**
     * Restores a persisted checkpoint; call oldest first.
     *
     * @param checkpoint the checkpoint
     * @throws IllegalStateException when out of order or one too many
     */
    void restore(Checkpoint checkpoint) {
        if (!kept.isEmpty() && kept.getLast().position() >= checkpoint.position()) {
            throw new IllegalStateException("checkpoint at " + checkpoint.position() + " after one at "
                    + kept.getLast().position());
        }
        if (kept.size() == capacity) {
            throw new IllegalStateException("more than " + capacity + " checkpoints");
        }
        kept.add(checkpoint);
    }
}
