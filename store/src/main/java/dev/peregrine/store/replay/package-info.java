/**
 * Replays: a view or a projection rebuilt from the log in the background, beside its live state,
 * which keeps serving reads until the rebuilt state has caught up with it and is swapped in
 * ({@link dev.peregrine.store.replay.Replays}, from {@link dev.peregrine.store.EventStore#replays()}).
 */
package dev.peregrine.store.replay;
