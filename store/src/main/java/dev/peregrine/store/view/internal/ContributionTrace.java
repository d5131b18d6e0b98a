package dev.peregrine.store.view.internal;

import java.util.Arrays;

/**
 * A view's input trace in DBSP terms: for every event that passed the view's filter, in position
 * order, the tuple the view derived from it (a filter view's selected values, or a group view's key
 * values then its aggregate inputs), the position it entered at, the position a tombstone retracted
 * it at ({@link #LIVE} if none), and the previous live contribution of the same entity.
 *
 * <p>Retraction replays a contribution with weight −1 without reading the log again; time travel
 * folds the contributions alive at a position; persistence writes them.
 *
 * <p>Stored column-wise in growable primitive and reference arrays rather than one object per
 * contribution: a view keeps every contribution for its lifetime, and one object (plus a tuple
 * array) per event would give the garbage collector two more long-lived objects to copy and trace
 * per event. Not thread-safe (owned by one {@link MaintainedView}).
 */
final class ContributionTrace {

    /** {@link #retractedAt} of a contribution no tombstone has retracted. */
    static final long LIVE = Long.MAX_VALUE;
    /** {@link #previous} of an entity's oldest live contribution. */
    static final int NONE = -1;

    private final int width;
    private long[] positions = new long[64];
    private long[] retracted = new long[64];
    private int[] previous = new int[64];
    private String[] entities = new String[64];
    private Object[] values;
    private int size;

    /** @param width values per tuple */
    ContributionTrace(int width) {
        this.width = width;
        this.values = new Object[64 * width];
    }

    int size() {
        return size;
    }

    int width() {
        return width;
    }

    /**
     * Appends a contribution.
     *
     * @param position the event's position
     * @param entity the event's entity (share one String per entity where possible)
     * @param tuple the derived values; copied
     * @param retractedAt the retraction position or {@link #LIVE}
     * @param previousOfEntity the index of the entity's previous live contribution, or {@link #NONE}
     * @return the new contribution's index
     */
    int add(long position, String entity, Object[] tuple, long retractedAt, int previousOfEntity) {
        if (size == positions.length) {
            int n = size * 2;
            positions = Arrays.copyOf(positions, n);
            retracted = Arrays.copyOf(retracted, n);
            previous = Arrays.copyOf(previous, n);
            entities = Arrays.copyOf(entities, n);
            values = Arrays.copyOf(values, n * width);
        }
        int i = size++;
        positions[i] = position;
        retracted[i] = retractedAt;
        previous[i] = previousOfEntity;
        entities[i] = entity;
        System.arraycopy(tuple, 0, values, i * width, width);
        return i;
    }

    long position(int i) {
        return positions[i];
    }

    long retractedAt(int i) {
        return retracted[i];
    }

    String entity(int i) {
        return entities[i];
    }

    int previous(int i) {
        return previous[i];
    }

    /** Marks a contribution retracted and unlinks it from its entity's chain. */
    void retract(int i, long at) {
        retracted[i] = at;
        previous[i] = NONE;
    }

    /**
     * @param i a contribution
     * @param into receives its tuple (at least {@link #width()} long)
     * @return {@code into}
     */
    Object[] tuple(int i, Object[] into) {
        System.arraycopy(values, i * width, into, 0, width);
        return into;
    }

    /**
     * @param i a contribution
     * @param at a log position
     * @return whether the contribution was part of the view just after {@code at} was applied
     */
    boolean aliveAt(int i, long at) {
        return positions[i] <= at && retracted[i] > at;
    }
}
