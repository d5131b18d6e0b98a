package dev.peregrine.store.replay;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What to rebuild and from where. The rebuilt state holds the events from the first replayed position
 * on, and no earlier ones: from position 1 (the default; 0 means the same) it equals a state built
 * from the whole log; from a later position or a time it is a state of the log's suffix, which is
 * what it keeps after the swap (a later full rebuild, or a state file lost at open, goes back to
 * the whole log). Immutable.
 *
 * <pre>{@code
 * ReplayProgress started = store.replays().start(ReplayRequest.view("totals"));
 * ReplayProgress sinceMonday = store.replays().start(ReplayRequest.projection("event_counters")
 *         .fromTime(Instant.parse("2026-11-30T00:00:00Z")));
 * }</pre>
 *
 * @param target whether {@code name} is a view or a projection
 * @param name the view's or projection's name
 * @param fromPosition the first log position replayed (at least 1), unless {@code fromTime} is set
 * @param fromTime replay from the first event at or after this time instead, if set
 */
public record ReplayRequest(Target target, String name, long fromPosition, Optional<Instant> fromTime) {

    /** What a replay rebuilds. */
    public enum Target {
        /** A view ({@link dev.peregrine.store.view.Views}). */
        VIEW,
        /** A projection ({@link dev.peregrine.store.Projection}) that has an {@linkplain dev.peregrine.store.Projection#emptyCopy empty copy}. */
        PROJECTION
    }

    /**
     * @throws IllegalArgumentException if {@code fromPosition} is negative
     */
    public ReplayRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fromTime, "fromTime");
        if (fromPosition < 0) {
            throw new IllegalArgumentException("a position is at least 0, got " + fromPosition);
        }
        fromPosition = Math.max(1, fromPosition);
    }

    /** @param name a view @return a replay of it from position 1 */
    public static ReplayRequest view(String name) {
        return new ReplayRequest(Target.VIEW, name, 1, Optional.empty());
    }

    /** @param name a projection @return a replay of it from position 1 */
    public static ReplayRequest projection(String name) {
        return new ReplayRequest(Target.PROJECTION, name, 1, Optional.empty());
    }

    /** @param position the first position to replay (0 or 1: the whole log) @return this request from there */
    public ReplayRequest fromPosition(long position) {
        return new ReplayRequest(target, name, position, Optional.empty());
    }

    /** @param time replay from the first event at or after it @return this request from there */
    public ReplayRequest fromTime(Instant time) {
        return new ReplayRequest(target, name, 1, Optional.of(time));
    }
}
