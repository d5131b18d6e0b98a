package dev.peregrine.store.replay.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.replay.ReplayProgress;
import dev.peregrine.store.replay.ReplayRequest;
import dev.peregrine.store.replay.ReplayStatus;
import dev.peregrine.store.replay.Replays;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's replays: starts each as a {@link ReplayJob} on a shadow its target makes, keeps the
 * history in {@code replays.state} ({@link ReplayHistoryFile}) and answers for it.
 *
 * <p>At open, a damaged history is logged and dropped (it holds no state). A replay the history still shows running was interrupted by a crash: it is reported
 * {@link ReplayStatus#FAILED} and not resumed. Its target kept its live state: a shadow is only in
 * memory until it is swapped in. (A crash between a swap, which persists the target's state, and the
 * history's update shows that replay failed although its state was swapped in; the target is
 * consistent either way, since a state rebuilt from the whole log equals the one it replaced.)
 *
 * <p>Thread safety: every method from any thread; the history is guarded by the manager's monitor,
 * and a job's monitor is never held while the manager's is taken.
 */
public final class ReplayManager implements Replays, AutoCloseable {

    /** The history's file in the store's directory. */
    public static final String FILE_NAME = "replays.state";
    /** Ended replays kept at most; the oldest ended ones are forgotten first. */
    static final int KEEP_ENDED = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ReplayManager.class);

    /** What a replay needs from the store: shadows of its targets, and positions of times. */
    public interface Targets {
        /**
         * @param target a view or a projection
         * @param name its name
         * @return a new, empty shadow of it
         * @throws dev.peregrine.store.EventStoreException if there is no such target or it cannot be replayed
         */
        ShadowState shadow(ReplayRequest.Target target, String name);

        /** @param time a time @return the first position at or after it; past the end when there is none */
        long firstPositionAtOrAfter(Instant time);
    }

    private final CommittedLog log;
    private final Path file;
    private final Targets targets;
    private final Map<UUID, ReplayJob> jobs = new LinkedHashMap<>();
    private boolean closed;

    /**
     * Loads the history, reporting replays a crash interrupted as failed.
     *
     * @param log the committed log
     * @param directory the store's directory
     * @param targets the store's views and projections
     */
    public ReplayManager(CommittedLog log, Path directory, Targets targets) {
        this.log = log;
        this.file = directory.resolve(FILE_NAME);
        this.targets = targets;
        boolean interrupted = false;
        for (ReplayProgress kept : history(file)) {
            ReplayProgress p = kept;
            if (kept.status() == ReplayStatus.RUNNING) {
                interrupted = true;
                LOG.warn("replay {} of {} {} was running when the store stopped without closing; reported failed, "
                        + "the target kept its previous state", kept.id(), kept.target(), kept.name());
                p = new ReplayProgress(kept.id(), kept.target(), kept.name(), ReplayStatus.FAILED, kept.fromPosition(),
                        kept.targetPosition(), kept.processedEvents(), kept.startedAt(), Optional.of(Instant.now()), 0,
                        Optional.of("the store stopped without a clean close while this replay ran; it was not resumed "
                                + "and the previous state kept serving"), Instant.now());
            }
            jobs.put(p.id(), new ReplayJob(p));
        }
        if (interrupted) {
            persist();
        }
    }

    /**
     * The kept history; a damaged one (or one of a version this build does not read) is only history,
     * so it is logged and dropped rather than stopping the store from opening.
     */
    private static List<ReplayProgress> history(Path file) {
        try {
            return ReplayHistoryFile.read(file);
        } catch (CorruptFileException | UnsupportedFormatException e) {
            LOG.warn("discarding the replay history: {}; past replays are forgotten, no state is affected",
                    e.getMessage());
            return List.of();
        }
    }

    @Override
    public ReplayProgress start(ReplayRequest request) {
        ReplayJob job;
        synchronized (this) {
            if (closed) {
                throw new StateConflictException("the store is closing: no replay can start");
            }
            for (ReplayJob running : jobs.values()) {
                if (running.running() && running.target() == request.target() && running.name().equals(request.name())) {
                    throw new StateConflictException("replay " + running.id() + " of " + describe(request)
                            + " is running: cancel it or wait for it to end");
                }
            }
            ShadowState shadow = targets.shadow(request.target(), request.name());
            long from = request.fromTime().map(targets::firstPositionAtOrAfter).orElse(request.fromPosition());
            job = new ReplayJob(UUID.randomUUID(), request.target(), request.name(), from, log.visiblePosition(), log,
                    shadow, this::persist);
            jobs.put(job.id(), job);
            forgetOldest();
            persist(); // before the first entry: a crash from now on is reported
        }
        LOG.info("replay {} of {} from position {} started", job.id(), describe(request), job.progress().fromPosition());
        job.start();
        return job.progress();
    }

    private static String describe(ReplayRequest request) {
        return request.target().name().toLowerCase(java.util.Locale.ROOT) + " '" + request.name() + "'";
    }

    private void forgetOldest() {
        long ended = jobs.values().stream().filter(j -> !j.running()).count();
        for (Iterator<ReplayJob> it = jobs.values().iterator(); it.hasNext() && ended > KEEP_ENDED; ) {
            if (!it.next().running()) {
                it.remove();
                ended--;
            }
        }
    }

    @Override
    public synchronized List<ReplayProgress> list() {
        List<ReplayProgress> out = new ArrayList<>(jobs.size());
        for (ReplayJob job : jobs.values()) {
            out.add(job.progress());
        }
        return out;
    }

    @Override
    public Optional<ReplayProgress> get(UUID id) {
        return job(id).map(ReplayJob::progress);
    }

    @Override
    public Optional<ReplayProgress> cancel(UUID id) {
        Optional<ReplayJob> job = job(id);
        if (job.isEmpty()) {
            return Optional.empty();
        }
        if (!job.get().end(ReplayStatus.CANCELLED, "cancelled")) {
            throw new StateConflictException("replay " + id + " has ended (" + job.get().progress().status()
                    + "): only a running replay can be cancelled");
        }
        return Optional.of(job.get().progress());
    }

    @Override
    public boolean delete(UUID id) {
        synchronized (this) {
            ReplayJob job = jobs.get(id);
            if (job == null) {
                return false;
            }
            if (job.running()) {
                throw new StateConflictException("replay " + id + " is running: cancel it before deleting it");
            }
            jobs.remove(id);
            persist();
            return true;
        }
    }

    @Override
    public Optional<ReplayProgress> await(UUID id, Duration timeout) throws InterruptedException {
        Optional<ReplayJob> job = job(id);
        return job.isEmpty() ? Optional.empty() : Optional.of(job.get().await(timeout));
    }

    private synchronized Optional<ReplayJob> job(UUID id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Writes the history as it stands. */
    private synchronized void persist() {
        List<ReplayProgress> all = new ArrayList<>(jobs.size());
        for (ReplayJob job : jobs.values()) {
            all.add(job.progress());
        }
        ReplayHistoryFile.write(file, all);
    }

    /** Cancels every running replay (their targets keep their live state) and writes the history. */
    @Override
    public void close() {
        List<ReplayJob> running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = jobs.values().stream().filter(ReplayJob::running).toList();
        }
        for (ReplayJob job : running) {
            job.end(ReplayStatus.CANCELLED, "the store was closed while this replay ran; it was not resumed and the "
                    + "previous state kept serving");
        }
    }
}
