package dev.peregrine.store.retention;

import java.time.Instant;
import java.util.Optional;

/**
 * Where the current (or last) scavenge is. A scavenge walks the sealed segments oldest first and
 * rewrites each that holds expired events; counters cover the run so far.
 *
 * @param state what it is doing
 * @param startedAt when the run began; empty if none ran since the store opened
 * @param endedAt when it ended; empty while it runs or if none ran
 * @param segmentsTotal sealed segments the run walks (the newest two segments are never rewritten: the
 *                      sequencer may still write or force them)
 * @param segmentsDone of them, examined so far
 * @param segmentsRewritten of those, rewritten
 * @param eventsRemoved events whose bytes the run removed
 * @param bytesReclaimed file bytes given back (old file sizes minus new)
 * @param maxBytesPerSecond the throttle: most bytes written per second; 0 for none
 * @param error why the run failed, when {@code state} is {@link State#FAILED}
 */
public record ScavengeStatus(State state, Optional<Instant> startedAt, Optional<Instant> endedAt, int segmentsTotal,
                             int segmentsDone, int segmentsRewritten, long eventsRemoved, long bytesReclaimed,
                             long maxBytesPerSecond, Optional<String> error) {

    /** The state of a scavenge. */
    public enum State {
        /** None has run since the store opened. */
        IDLE,
        /** Running in the background. */
        RUNNING,
        /** Asked to stop; it stops after the segment in hand (whose copy is then discarded). */
        STOPPING,
        /** Stopped before it walked every segment; segments rewritten so far stay rewritten. */
        STOPPED,
        /** Walked every segment. */
        FINISHED,
        /** Ended by an error ({@link #error()}); the log holds, for each segment, the original or a whole copy. */
        FAILED;

        /** @return whether a run in this state is still going */
        public boolean active() {
            return this == RUNNING || this == STOPPING;
        }
    }

    /** The status before any run. */
    public static final ScavengeStatus IDLE = new ScavengeStatus(State.IDLE, Optional.empty(), Optional.empty(), 0,
            0, 0, 0, 0, 0, Optional.empty());
}
