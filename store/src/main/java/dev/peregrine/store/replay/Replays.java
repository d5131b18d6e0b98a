package dev.peregrine.store.replay;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Rebuilds of views and projections in the background. A replay feeds a new, empty <em>shadow</em>
 * of the target from the log, on a follower of its own, while the live state goes on serving reads
 * and following appends; once the shadow has reached the position the log had when the replay
 * started and is close behind the live state, the live state is held still for the few entries
 * between them, the shadow is brought level and swapped in, in one step that readers see whole, and
 * persisted. Cancelling, failing, or closing the store before that leaves the live state as it was.
 *
 * <p>History: every replay is kept (in {@code replays.state}) until deleted, across restarts. A replay
 * that was running when the store was closed is reported {@link ReplayStatus#CANCELLED}; one that was
 * running when the process died (no clean close) {@link ReplayStatus#FAILED}; neither is resumed, and
 * the target kept its live state (a shadow is never written to disk before it is swapped in).
 *
 * <pre>{@code
 * ReplayProgress started = store.replays().start(ReplayRequest.view("totals"));
 * ReplayProgress done = store.replays().await(started.id(), Duration.ofMinutes(5));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface Replays {

    /**
     * Starts a replay.
     *
     * @param request what to rebuild, from where
     * @return its progress at the start
     * @throws dev.peregrine.store.view.ViewNotFoundException when no view has that name
     * @throws dev.peregrine.store.InvalidEventException when no projection has that name
     * @throws dev.peregrine.store.StateConflictException when a replay of the same target is running, or
     *         the projection cannot make an {@linkplain dev.peregrine.store.Projection#emptyCopy empty copy}
     */
    ReplayProgress start(ReplayRequest request);

    /** @return every replay kept, oldest first */
    List<ReplayProgress> list();

    /** @param id a replay @return its progress, if it is kept */
    Optional<ReplayProgress> get(UUID id);

    /**
     * Cancels a running replay: its shadow is dropped, the live state stays. Returns once the replay's
     * follower has stopped.
     *
     * @param id a replay
     * @return its progress, empty when no replay has that id
     * @throws dev.peregrine.store.StateConflictException when it has already ended
     */
    Optional<ReplayProgress> cancel(UUID id);

    /**
     * Forgets a replay that has ended.
     *
     * @param id a replay
     * @return whether one was deleted
     * @throws dev.peregrine.store.StateConflictException when it is running (cancel it first)
     */
    boolean delete(UUID id);

    /**
     * Waits for a replay to end.
     *
     * @param id a replay
     * @param timeout the longest wait
     * @return its progress: ended, or still running after the timeout; empty when no replay has that id
     * @throws InterruptedException if interrupted
     */
    Optional<ReplayProgress> await(UUID id, Duration timeout) throws InterruptedException;
}
