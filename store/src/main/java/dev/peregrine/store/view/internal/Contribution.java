package dev.peregrine.store.view.internal;

/**
 * What one event contributed to one view: the tuple the view derived from it (a filter view's
 * selected values, or a group view's key values followed by its aggregate inputs), when it entered
 * and when (if ever) a tombstone retracted it.
 *
 * <p>A view keeps every contribution in position order: it is the view's input trace in DBSP terms.
 * Retraction replays a contribution with weight −1 without reading the log again; time travel folds
 * the contributions alive at a position; persistence writes them. Mutable only by the view's
 * maintainer.
 */
final class Contribution {

    /** {@link #retractedAt} of a contribution no tombstone has retracted. */
    static final long LIVE = Long.MAX_VALUE;

    final long position;
    final String entityId;
    final Object[] tuple;
    long retractedAt;
    /** The previous live contribution of the same entity in this view: a chain from newest to oldest. */
    Contribution previousOfEntity;

    Contribution(long position, String entityId, Object[] tuple, long retractedAt) {
        this.position = position;
        this.entityId = entityId;
        this.tuple = tuple;
        this.retractedAt = retractedAt;
    }

    /**
     * @param at a log position
     * @return whether the contribution was part of the view just after {@code at} was applied
     */
    boolean aliveAt(long at) {
        return position <= at && retractedAt > at;
    }
}
