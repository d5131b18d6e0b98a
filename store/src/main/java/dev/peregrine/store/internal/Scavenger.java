package dev.peregrine.store.internal;

import dev.peregrine.store.log.LogSegment;
import dev.peregrine.store.log.SegmentRewriter;
import dev.peregrine.store.log.SegmentedLog;
import dev.peregrine.store.retention.ScavengeStatus;
import dev.peregrine.store.retention.ScavengeStatus.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.Lock;
import java.util.function.LongSupplier;

/**
 * One scavenge run: walks the sealed segments oldest first and rewrites each that holds removable
 * events ({@link RetentionPolicy#removable}) with {@link SegmentRewriter}, on its own thread
 * ({@code peregrine-scavenge}), paced to a byte rate, stoppable between entries.
 *
 * <p>Which segments: all but the newest two. The sequencer writes the active segment and may still
 * force the one it rolled from, so neither is touched; every entry of the others is written and
 * visible.
 *
 * <p>Installing a copy takes {@code files}, the lock a backup holds while it copies segment files by
 * path, then {@code install}, the lock rule changes take, and checks that the rules it decided under
 * are still in force: a rule removed or relaxed meanwhile could have made an event it chose visible
 * again, so the copy is then discarded and the segment decided anew.
 *
 * <p>Thread safety: the counters are written by the run's thread and read through {@link #status()}
 * (one immutable value behind a volatile field); {@link #stop()} from any thread.
 */
final class Scavenger implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Scavenger.class);

    private final SegmentedLog log;
    private final EventReader reader;
    private final RetentionPolicy policy;
    private final SnapshotStore snapshots;
    private final LongSupplier visible;
    private final Lock install;
    private final Lock files;
    private final long maxBytesPerSecond;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Instant started = Instant.now();
    private volatile boolean stopRequested;
    private volatile ScavengeStatus status;
    private int total;
    private int done;
    private int rewritten;
    private long removed;
    private long reclaimed;
    /** Pacing: bytes written and when the run began, for the throttle. */
    private long paced;
    private final long pacingStart = System.nanoTime();

    Scavenger(SegmentedLog log, EventReader reader, RetentionPolicy policy, SnapshotStore snapshots,
              LongSupplier visible, Lock install, Lock files, long maxBytesPerSecond) {
        this.log = log;
        this.reader = reader;
        this.policy = policy;
        this.snapshots = snapshots;
        this.visible = visible;
        this.install = install;
        this.files = files;
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.status = snapshot(State.RUNNING, null);
    }

    /** @return the run's status now */
    ScavengeStatus status() {
        return status;
    }

    /** Asks the run to stop after the entry in hand. */
    void stop() {
        stopRequested = true;
        if (status.state() == State.RUNNING) {
            status = snapshot(State.STOPPING, null);
        }
    }

    /** @return a latch released when the run has ended */
    CountDownLatch ended() {
        return ended;
    }

    @Override
    public void run() {
        try {
            total = Math.max(0, log.segments().length - 2);
            publish(State.RUNNING);
            LOG.info("scavenge started: {} sealed segments, throttle {} bytes/s", total, maxBytesPerSecond);
            for (int i = 0; i < total && !stopRequested; i++) {
                scavenge(log.segments()[i]);
                done++;
                publish(State.RUNNING);
            }
            status = snapshot(stopRequested && done < total ? State.STOPPED : State.FINISHED, null);
            LOG.info("scavenge {}: {} of {} segments examined, {} rewritten, {} events removed, {} bytes reclaimed",
                    status.state().name().toLowerCase(Locale.ROOT), done, total, rewritten, removed, reclaimed);
        } catch (InterruptedException e) {
            status = snapshot(State.STOPPED, null);
        } catch (RuntimeException | Error e) {
            LOG.error("scavenge failed after {} of {} segments; every segment is whole (original or rewritten)",
                    done, total, e);
            status = snapshot(State.FAILED, String.valueOf(e.getMessage()));
        } finally {
            ended.countDown();
        }
    }

    private void scavenge(LogSegment segment) throws InterruptedException {
        while (!stopRequested) {
            RetentionPolicy.Rules rules = policy.current();
            long max = visible.getAsLong();
            long now = policy.nowNanos();
            Set<String> entities = new HashSet<>();
            Optional<SegmentRewriter.Copy> copy = SegmentRewriter.write(segment, position -> {
                long off = segment.offsetOf(position);
                if (!policy.removable(rules, segment, off, position, max, now)) {
                    return false;
                }
                entities.add(reader.entityId(segment, off));
                return true;
            }, this::pace, () -> stopRequested);
            if (copy.isEmpty()) {
                return;
            }
            // files first: waiting for a long backup must not hold up rule changes, which take install only
            files.lock();
            install.lock();
            try {
                if (policy.current() != rules) {
                    Files.deleteIfExists(copy.get().copy());
                    continue; // decided under rules no longer in force: decide again
                }
                SegmentRewriter.install(log, copy.get());
                // A snapshot of such an entity may hold what was removed; the store reads none of them
                // again (on open, SnapshotStore drops those that cover a removed event).
                entities.forEach(snapshots::forget);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                install.unlock();
                files.unlock();
            }
            rewritten++;
            removed += copy.get().removed();
            reclaimed += copy.get().bytesBefore() - copy.get().bytesAfter();
            LOG.info("scavenge rewrote {}: {} events removed, {} -> {} bytes", segment.path().getFileName(),
                    copy.get().removed(), copy.get().bytesBefore(), copy.get().bytesAfter());
            return;
        }
    }

    /** Sleeps as long as the bytes written so far are ahead of the throttle's rate. */
    private void pace(long bytes) throws InterruptedException {
        if (maxBytesPerSecond <= 0) {
            return;
        }
        paced += bytes;
        long dueNanos = (long) (paced * 1e9 / maxBytesPerSecond);
        for (long ahead = dueNanos - (System.nanoTime() - pacingStart); ahead > 0 && !stopRequested;
                ahead = dueNanos - (System.nanoTime() - pacingStart)) {
            Thread.sleep(Math.min(50, Math.max(1, ahead / 1_000_000))); // in slices, so that a stop is prompt
        }
    }

    private void publish(State state) {
        status = snapshot(stopRequested && state == State.RUNNING ? State.STOPPING : state, null);
    }

    private ScavengeStatus snapshot(State state, String error) {
        return new ScavengeStatus(state, Optional.of(started), state.active() ? Optional.empty() : Optional.of(Instant.now()),
                total, done, rewritten, removed, reclaimed, maxBytesPerSecond, Optional.ofNullable(error));
    }
}
