package dev.peregrine.store.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A replay as it stands: what it rebuilds, how far it is, and how it ended. Immutable; a new one is
 * made for each look.
 *
 * @param id the replay's id
 * @param target a view or a projection
 * @param name its name
 * @param status where it is
 * @param fromPosition the first position replayed
 * @param targetPosition the log's last position when the replay started: the rebuilt state has caught
 *                       up once it has applied this far (and then the entries appended meanwhile)
 * @param processedEvents log entries the rebuilt state has consumed so far
 * @param startedAt when it started
 * @param completedAt when it ended, if it has
 * @param swappedAtPosition the position the rebuilt state reflected when it was swapped in, 0 if it was not
 * @param error why it failed or was cancelled, if it did not complete
 * @param asOf when this progress was taken
 */
public record ReplayProgress(UUID id, ReplayRequest.Target target, String name, ReplayStatus status,
                             long fromPosition, long targetPosition, long processedEvents, Instant startedAt,
                             Optional<Instant> completedAt, long swappedAtPosition, Optional<String> error,
                             Instant asOf) {

    /** @return the entries from {@link #fromPosition} to {@link #targetPosition}: the replay's known work */
    public long totalEvents() {
        return Math.max(0, targetPosition - fromPosition + 1);
    }

    /** @return how much of {@link #totalEvents()} is done, 0 to 100 (100 once completed) */
    public double progressPercentage() {
        if (status == ReplayStatus.COMPLETED || totalEvents() == 0) {
            return status == ReplayStatus.COMPLETED ? 100 : 0;
        }
        return Math.min(100, processedEvents * 100.0 / totalEvents());
    }

    /** @return entries consumed per second, over the replay's life so far */
    public double eventsPerSecond() {
        Duration elapsed = Duration.between(startedAt, completedAt.orElse(asOf));
        double seconds = Math.max(elapsed.toNanos(), 1_000_000) / 1e9;
        return processedEvents / seconds;
    }
}
