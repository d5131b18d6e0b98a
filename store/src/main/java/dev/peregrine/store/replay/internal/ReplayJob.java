package dev.peregrine.store.replay.internal;

import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.follow.LogConsumer;
import dev.peregrine.store.follow.LogEntry;
import dev.peregrine.store.follow.LogFollower;
import dev.peregrine.store.replay.ReplayProgress;
import dev.peregrine.store.replay.ReplayRequest;
import dev.peregrine.store.replay.ReplayStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replay: the consumer of its own {@link LogFollower}, feeding a {@link ShadowState} from the
 * first replayed position, and swapping it in once it has reached the position the log had when the
 * replay started and is within {@link #SWAP_GAP} entries of the log's end (so that the catch-up done
 * while the live state is held still is short).
 *
 * <p>Thread safety: status changes happen under the job's monitor (the follower's thread swaps,
 * another thread cancels: whichever comes first wins); {@link #progress()} from any thread. The
 * follower is closed outside the monitor, so that a cancel never waits for a swap while holding it.
 */
final class ReplayJob implements LogConsumer {

    /** The most entries the live state is held still for while the shadow catches up at the swap. */
    static final long SWAP_GAP = 4_096;

    private static final Logger LOG = LoggerFactory.getLogger(ReplayJob.class);

    private final UUID id;
    private final ReplayRequest.Target target;
    private final String name;
    private final long from;
    private final long targetPosition;
    private final Instant startedAt;
    private final CommittedLog log;
    private final ShadowState shadow;
    private final Runnable changed;
    private LogFollower follower;

    private volatile ReplayStatus status;
    private volatile long processed;
    private Instant completedAt;
    private long swappedAt;
    private String error;

    /** A new replay, not started. {@code changed} persists the history after each status change. */
    ReplayJob(UUID id, ReplayRequest.Target target, String name, long from, long targetPosition, CommittedLog log,
              ShadowState shadow, Runnable changed) {
        this.id = id;
        this.target = target;
        this.name = name;
        this.from = from;
        this.targetPosition = targetPosition;
        this.startedAt = Instant.now();
        this.log = log;
        this.shadow = shadow;
        this.changed = changed;
        this.status = ReplayStatus.RUNNING;
    }

    /** A replay of the history, ended. */
    ReplayJob(ReplayProgress kept) {
        this.id = kept.id();
        this.target = kept.target();
        this.name = kept.name();
        this.from = kept.fromPosition();
        this.targetPosition = kept.targetPosition();
        this.startedAt = kept.startedAt();
        this.log = null;
        this.shadow = null;
        this.changed = () -> { };
        this.status = kept.status();
        this.processed = kept.processedEvents();
        this.completedAt = kept.completedAt().orElse(null);
        this.swappedAt = kept.swappedAtPosition();
        this.error = kept.error().orElse(null);
    }

    /** Starts feeding the shadow, or swaps the empty shadow in at once when there is nothing to replay. */
    void start() {
        if (targetPosition < from) {
            swap(from - 1);
            return;
        }
        follower = LogFollower.builder("replay-" + id.toString().substring(0, 8), log, this).from(from - 1).start();
    }

    UUID id() {
        return id;
    }

    ReplayRequest.Target target() {
        return target;
    }

    String name() {
        return name;
    }

    boolean running() {
        return status == ReplayStatus.RUNNING;
    }

    @Override
    public void accept(LogEntry entry) {
        if (status != ReplayStatus.RUNNING) {
            return; // cancelled: the follower stops before its next entry
        }
        shadow.accept(entry);
        processed++;
        long position = entry.position();
        if (position >= targetPosition && log.visiblePosition() - position <= SWAP_GAP) {
            swap(position);
        }
    }

    @Override
    public Failure onFailure(long position, Exception failure) {
        end(ReplayStatus.FAILED, "position " + position + " could not be replayed: " + failure);
        return Failure.HALT; // the shadow may hold half of the entry
    }

    private void swap(long position) {
        String failure = null;
        synchronized (this) {
            if (status != ReplayStatus.RUNNING) {
                return;
            }
            try {
                swappedAt = shadow.swapIn(position);
                status = ReplayStatus.COMPLETED;
            } catch (EventStoreException e) {
                failure = e.getMessage();
                status = ReplayStatus.FAILED;
                error = failure;
            }
            completedAt = Instant.now();
            notifyAll();
        }
        if (failure == null) {
            LOG.info("replay {} of {} {}: swapped in at position {} after {} entries", id, target, name, swappedAt,
                    processed);
        } else {
            LOG.warn("replay {} of {} {} failed at the swap: {}", id, target, name, failure);
        }
        stopAndPersist(); // outside the monitor: the history takes the manager's, then each job's
    }

    /**
     * Ends a running replay without swapping.
     *
     * @return whether it was running
     */
    boolean end(ReplayStatus outcome, String reason) {
        synchronized (this) {
            if (status != ReplayStatus.RUNNING) {
                return false;
            }
            status = outcome;
            error = reason;
            completedAt = Instant.now();
            notifyAll();
        }
        LOG.info("replay {} of {} {}: {} ({})", id, target, name, outcome, reason);
        stopAndPersist();
        return true;
    }

    /** Stops the follower (from its own thread: asks it to stop) and persists the history. */
    private void stopAndPersist() {
        if (follower != null) {
            follower.close();
        }
        changed.run();
    }

    synchronized ReplayProgress progress() {
        return new ReplayProgress(id, target, name, status, from, targetPosition, processed, startedAt,
                Optional.ofNullable(completedAt), swappedAt, Optional.ofNullable(error), Instant.now());
    }

    /** Waits until the replay has ended, at most {@code timeout}. */
    synchronized ReplayProgress await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status == ReplayStatus.RUNNING) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return progress();
    }
}
