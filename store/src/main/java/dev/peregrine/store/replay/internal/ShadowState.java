package dev.peregrine.store.replay.internal;

import dev.peregrine.store.follow.LogEntry;

/**
 * A new, empty copy of a consumer's state (a view's engine, a projection instance), fed from the log
 * beside the live state and then swapped in for it. Views and projections each make theirs
 * ({@code ViewManager.shadow}, {@code ProjectionRunner.shadow}); a replay drives it from a
 * {@link dev.peregrine.store.follow.LogFollower} of its own, and a view's synchronous rebuild from a
 * plain read of the log: one mechanism for every rebuild.
 *
 * <p>Thread safety: {@link #accept} from one thread at a time (the driver's); {@link #swapIn} once,
 * from that same thread, after the last {@code accept}.
 */
public interface ShadowState {

    /**
     * Applies one entry to the shadow (it ignores entries its target does not read). The entry is
     * re-pointed afterwards.
     *
     * @param entry the next entry, in position order
     */
    void accept(LogEntry entry);

    /**
     * Swaps the shadow in: holds the live state still (no entry is applied to it meanwhile), reads the
     * entries the live state holds beyond {@code position} into the shadow, replaces the live state with
     * it, and persists it. Readers see the old state or the new one, never a mix.
     *
     * @param position the last position the shadow has consumed
     * @return the position the swapped-in state reflects
     * @throws dev.peregrine.store.StateConflictException if the target was dropped meanwhile
     */
    long swapIn(long position);
}
