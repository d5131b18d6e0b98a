package dev.peregrine.store.follow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one {@link LogConsumer} every committed entry of the log, once and in position order, from a
 * checkpointed position, on a thread of its own, and goes on feeding it as entries are committed.
 * Every reader of the log that keeps up with it is a consumer of one: projections, the views, the
 * live subscriptions; replication, the SQL copy and the console's live feed plug in the same way.
 *
 * <pre>{@code
 * // a new reader of the log: where it got to is its own business, the follower does the rest
 * CommittedLog log = engine.committedLog();
 * LogFollower follower = LogFollower.builder("replication", log, entry -> sender.send(entry))
 *         .from(sender.acknowledgedPosition())
 *         .checkpointEvery(options.followerCheckpointEvery())
 *         .start();
 * long behind = follower.lag();
 * follower.close(); // after the entry in hand, with a last checkpoint
 * }</pre>
 * A consumer with state overrides {@link LogConsumer#checkpoint} to persist it, and decides with
 * {@link LogConsumer#onFailure} what a failed entry means for it.
 *
 * <p><b>Reading.</b> The follower reads {@link CommittedLog#visiblePosition()} and consumes the entries
 * up to it in runs of at most {@value #BATCH}, through one {@link LogCursor} re-pointed at each entry:
 * nothing is allocated per entry unless the consumer asks for a payload or a {@code StoredEvent}. It
 * never reads past the visible position, so it never sees an entry whose append is not acknowledged.
 *
 * <p><b>Waiting.</b> Once caught up the thread parks without a timeout ({@link LockSupport#park}); the
 * log's commit callback unparks it, and only then: a follower that is reading, or gathering, costs the
 * writer nothing. An idle store costs its followers no CPU. A follower may gather commits under load
 * ({@link Builder#gather}): woken soon after it caught up, it waits a little longer so that it reads
 * many commits in one run instead of waking for each.
 *
 * <p><b>Position and lag.</b> {@link #position()} is the last entry whose {@link LogConsumer#accept}
 * returned (or that {@link LogConsumer#skip} passed over); {@link #lag()} is the visible position minus
 * it. {@link #awaitPosition} waits for it without polling.
 *
 * <p><b>Checkpoints.</b> Each time {@link Builder#checkpointEvery} entries have been consumed since
 * the last checkpoint (so at exact multiples of it from the start, unless the consumer skips), and
 * once more at {@link #close()} (unless halted), the follower calls {@link LogConsumer#checkpoint}
 * with its position. A checkpoint that fails (a full disk) is logged and the count starts again, so
 * the next attempt comes that many entries later: a checkpoint only shortens the replay after a
 * restart, and the previous one is still intact.
 *
 * <p><b>Failures.</b> When an entry cannot be read or consumed, {@link LogConsumer#onFailure} decides:
 * retry the same entry after {@link Builder#retryDelay} (commits during the delay do not cut it short,
 * so a consumer that keeps failing under load does not log at the commit rate), or halt until
 * {@link #rewind}.
 *
 * <p><b>Stopping.</b> {@link #close()} lets the entry in hand finish (the flag is checked before each
 * entry), writes the last checkpoint on the follower's thread, unregisters the commit callback and
 * waits for the thread. It does not interrupt a slow consumer: an interrupt would close any
 * {@code FileChannel} the consumer is writing its checkpoint with.
 *
 * <p><b>One follower per consumer.</b> Consumers differ in position, pace and failure: a failed
 * projection waits for a rebuild, a rebuilt one starts again from position 1, the live subscriptions
 * start at the end of the log. A follower (and a thread) each keeps a slow or stopped consumer from
 * holding back the others and keeps each position a single number. Reading the log once per consumer
 * costs little: it is mapped, recent entries are in the page cache, and a cursor decodes only the
 * fields asked for. Consumers that do share one position fan out behind a single consumer instead:
 * every view behind the views' follower, every live subscription behind the dispatcher's.
 *
 * <p>Thread safety: {@link #position()}, {@link #lag()}, {@link #awaitPosition}, {@link #rewind} and
 * {@link #close()} from any thread; the consumer is called only on the follower's thread.
 */
public final class LogFollower implements AutoCloseable {

    /** Most entries consumed between two looks at the visible position, rewinds and waiters. */
    static final int BATCH = 4_096;

    private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);
    private static final long NO_REWIND = -1;
    /** A follower this far behind logs its progress while it catches up, about every 5%. */
    private static final long PROGRESS_LOG_LAG = 100_000;
    private static final VarHandle CONSUMED;
    /**
     * The gathering time ({@link Builder#gather}) of the followers whose readers accept that much delay
     * under load (the projections, the views), and of any follower whose consumer skipped its last
     * run ({@link LogConsumer#skip}): that one has no use for entries now (the live subscriptions with
     * none attached), so it need not be woken for each commit either.
     */
    public static final Duration GATHER_UNDER_LOAD = Duration.ofMillis(1);
    private static final long GATHER_UNDER_LOAD_NANOS = GATHER_UNDER_LOAD.toNanos();

    static {
        try {
            CONSUMED = MethodHandles.lookup().findVarHandle(LogFollower.class, "consumed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final CommittedLog log;
    private final LogConsumer consumer;
    private final long checkpointEvery;
    private final long retryDelayNanos;
    private final long gatherNanos;
    private final LogCursor cursor;
    private final Thread thread;
    private final AutoCloseable commits;
    private final Object progress = new Object();
    /** Threads in {@link #awaitPosition}: the follower notifies {@link #progress} only when there are some. */
    private final AtomicInteger waiters = new AtomicInteger();
    /** A rewind asked for and not yet applied by the follower's thread, or {@link #NO_REWIND}. */
    private final AtomicLong rewind = new AtomicLong(NO_REWIND);

    /** Last consumed position: written (release) only by the follower's thread, read (acquire) by any. */
    @SuppressWarnings("unused") // accessed through CONSUMED
    private long consumed;
    private volatile boolean halted;
    private volatile boolean closed;
    private volatile boolean ended;
    /**
     * Parked with nothing left to consume: only then does a commit unpark the thread (see
     * {@link #waitForCommit}), so that a follower already running, or gathering, costs the writer no
     * wake-up.
     */
    private volatile boolean idle;

    // Follower-thread state.
    private boolean skippedLastRun;
    private long sinceCheckpoint;
    private long progressTarget;
    private long nextProgressLog;

    private LogFollower(Builder b) {
        this.name = b.name;
        this.log = b.log;
        this.consumer = b.consumer;
        this.checkpointEvery = b.checkpointEvery;
        this.retryDelayNanos = b.retryDelay.toNanos();
        this.gatherNanos = b.gather.toNanos();
        this.cursor = log.cursor();
        this.consumed = b.from;
        this.thread = Thread.ofPlatform().name("peregrine-" + name).daemon(true).unstarted(this::run);
        this.commits = log.onCommit(() -> {
            if (idle) {
                LockSupport.unpark(thread);
            }
        });
    }

    /**
     * @param name names the thread ({@code peregrine-<name>}) and the log lines
     * @param log the log to follow
     * @param consumer what to feed
     * @return a builder; {@link Builder#start()} starts the follower
     */
    public static Builder builder(String name, CommittedLog log, LogConsumer consumer) {
        return new Builder(name, log, consumer);
    }

    /** @return the name given to the builder */
    public String name() {
        return name;
    }

    /** @return the last position consumed; 0 before the first entry */
    public long position() {
        return (long) CONSUMED.getAcquire(this);
    }

    /** @return how many visible entries are not consumed yet */
    public long lag() {
        return Math.max(0, log.visiblePosition() - position());
    }

    /** @return whether a failure halted the follower ({@link LogConsumer.Failure#HALT}) until a rewind */
    public boolean halted() {
        return halted;
    }

    /**
     * Waits until every entry up to {@code position} is consumed (and no rewind is pending).
     *
     * @param position the position to wait for
     * @param timeout the longest wait
     * @return whether it was reached; {@code false} after the timeout, or at once if the follower is
     *     closed, or halted with no rewind pending
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitPosition(long position, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        waiters.incrementAndGet(); // volatile read-modify-write: ordered before the reads below
        LockSupport.unpark(thread); // cuts a gathering wait short: a waiter wants the entries now
        try {
            synchronized (progress) {
                while (!reached(position)) {
                    long left = deadline - System.nanoTime();
                    if (ended || halted && rewind.get() == NO_REWIND || left <= 0) {
                        return false; // a pending rewind clears the halt (before the request)
                    }
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                }
                return true;
            }
        } finally {
            waiters.decrementAndGet();
        }
    }

    private boolean reached(long position) {
        return rewind.get() == NO_REWIND && position() >= position;
    }

    /**
     * Asks the follower to go back to {@code position} (0: the whole log again). Before its next entry,
     * on its thread, it calls {@link LogConsumer#rewound}, clears a halt, and goes on from
     * {@code position + 1}. A rewind asked for just before {@link #close()} is still applied.
     *
     * @param position the new consumed position, at least 0
     */
    public void rewind(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("a position is at least 0, got " + position);
        }
        rewind.set(position);
        LockSupport.unpark(thread);
    }

    private void run() {
        try {
            while (!closed) {
                applyRewind();
                long at = position();
                long visible = log.visiblePosition();
                if (halted) {
                    signalProgress();
                    LockSupport.park(this); // until a rewind or close (commits wake only an idle follower)
                    continue;
                }
                logProgress(at, visible);
                if (at >= visible) {
                    signalProgress();
                    waitForCommit(at);
                    continue;
                }
                consume(at + 1, Math.min(visible, at + BATCH));
                signalProgress();
            }
            applyRewind();
            if (!halted) {
                checkpoint();
            }
        } catch (Throwable t) {
            halted = true;
            LOG.error("{}: stopped by an unexpected error after position {}", name, position(), t);
        } finally {
            ended = true;
            signalProgress();
        }
    }

    /**
     * Parks until a commit after {@code at} (or a rewind, a close, a waiter), then, if the follower had
     * been idle for less than its gathering time ({@link Builder#gather}, at least
     * {@link #GATHER_UNDER_LOAD} after a skipped run), waits out the rest of it so that the commits made
     * meanwhile are consumed in one run.
     *
     * <p>Setting {@link #idle} and then reading the visible position again cannot miss a commit: the
     * writer publishes the position before it reads {@code idle} (both volatile), so either this sees
     * the new position or the writer sees the flag and unparks.
     */
    private void waitForCommit(long at) {
        long idleSince = System.nanoTime();
        idle = true;
        if (log.visiblePosition() <= at && !closed && rewind.get() == NO_REWIND) {
            LockSupport.park(this);
        }
        idle = false;
        long gather = skippedLastRun ? Math.max(gatherNanos, GATHER_UNDER_LOAD_NANOS) : gatherNanos;
        if (gather > 0) {
            parkUntil(idleSince + gather, true); // commits do not unpark it now; waiters, rewinds, close do
        }
    }

    /**
     * Parks until {@code deadline}, or a rewind or a close, or (if {@code untilAWaiter}) a waiter. In a
     * loop: an unpark that is not one of those (a commit's callback that read {@link #idle} just before
     * it was cleared leaves a permit, seen in CI) or a spurious return would otherwise end the wait early.
     */
    private void parkUntil(long deadline, boolean untilAWaiter) {
        for (long left; (left = deadline - System.nanoTime()) > 0 && !closed && rewind.get() == NO_REWIND
                && !(untilAWaiter && waiters.get() > 0); ) {
            LockSupport.parkNanos(this, left);
        }
    }

    /** Consumes {@code from..to}, stopping early when closed or at a failure. */
    private void consume(long from, long to) {
        long p = from;
        try {
            skippedLastRun = consumer.skip(to);
            if (skippedLastRun) {
                CONSUMED.setRelease(this, to);
                sinceCheckpoint += to - from + 1;
                checkpointIfDue();
                return;
            }
            for (; p <= to && !closed; p++) {
                if (!cursor.moveTo(p).isRemoved()) { // a removed event is a gap: passed over, never awaited
                    consumer.accept(cursor);
                }
                CONSUMED.setRelease(this, p); // publishes what the consumer did with the entry
                sinceCheckpoint++;
                checkpointIfDue();
            }
        } catch (Exception e) {
            fail(p, e);
        }
    }

    private void checkpointIfDue() {
        if (sinceCheckpoint >= checkpointEvery) {
            checkpoint();
        }
    }

    private void fail(long position, Exception e) {
        LogConsumer.Failure failure;
        try {
            failure = consumer.onFailure(position, e);
        } catch (RuntimeException inHandler) {
            e.addSuppressed(inHandler);
            failure = LogConsumer.Failure.HALT;
        }
        if (failure == LogConsumer.Failure.HALT) {
            halted = true;
            LOG.error("{}: position {} failed; halted until rewound", name, position, e);
            return;
        }
        LOG.error("{}: position {} failed; retrying in {} ms", name, position,
                TimeUnit.NANOSECONDS.toMillis(retryDelayNanos), e);
        parkUntil(System.nanoTime() + retryDelayNanos, false); // a waiter does not cut a retry's delay short
    }

    /**
     * Applies a pending rewind. The request is cleared only afterwards, so that {@link #reached} never
     * sees the position from before the rewind as the answer to a wait begun after it.
     */
    private void applyRewind() {
        long to = rewind.get();
        if (to == NO_REWIND) {
            return;
        }
        try {
            consumer.rewound(to);
            CONSUMED.setRelease(this, to);
            sinceCheckpoint = 0;
            progressTarget = 0;
            halted = false;
        } catch (Exception e) {
            halted = true;
            LOG.error("{}: cannot start over from position {}; halted until rewound", name, to, e);
        }
        rewind.compareAndSet(to, NO_REWIND); // a newer request stays for the next turn
    }

    private void checkpoint() {
        long at = position();
        try {
            consumer.checkpoint(at);
        } catch (Exception e) {
            LOG.warn("{}: checkpoint at position {} not saved; trying again after {} more entries: {}", name, at,
                    checkpointEvery, e.toString());
        }
        sinceCheckpoint = 0;
    }

    /** Wakes the threads in {@link #awaitPosition}, if any. */
    private void signalProgress() {
        // Orders the stores of the position (and of halted/ended) before the load of waiters: either
        // a waiter that registered sees the new position, or this sees the waiter (Dekker).
        VarHandle.fullFence();
        if (waiters.get() > 0) {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    /** A follower far behind (rebuilt, or resumed from an old checkpoint) says how far it is, about every 5%. */
    private void logProgress(long at, long visible) {
        if (progressTarget == 0) {
            if (visible - at > PROGRESS_LOG_LAG) {
                progressTarget = visible;
                nextProgressLog = at + Math.max(1, (visible - at) / 20);
                LOG.info("{}: catching up from position {} to {}", name, at, visible);
            }
        } else if (at >= progressTarget) {
            LOG.info("{}: caught up to position {}", name, progressTarget);
            progressTarget = 0;
        } else if (at >= nextProgressLog) {
            LOG.info("{}: at position {} of {} ({}%)", name, at, progressTarget, at * 100 / progressTarget);
            nextProgressLog = at + Math.max(1, progressTarget / 20);
        }
    }

    /**
     * Stops after the entry being consumed, writes the last checkpoint (unless halted) and waits for
     * the thread. Idempotent; from the consumer itself, only asks the thread to stop.
     */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            commits.close();
        } catch (Exception e) {
            LOG.warn("{}: cannot unregister the commit callback", name, e);
        }
    }

    @Override
    public String toString() {
        return "LogFollower[" + name + " at " + position() + "]";
    }

    /** Configures a {@link LogFollower}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final CommittedLog log;
        private final LogConsumer consumer;
        private long from;
        private long checkpointEvery = Long.MAX_VALUE;
        private Duration retryDelay = Duration.ofSeconds(1);
        private Duration gather = Duration.ZERO;

        private Builder(String name, CommittedLog log, LogConsumer consumer) {
            this.name = Objects.requireNonNull(name, "name");
            this.log = Objects.requireNonNull(log, "log");
            this.consumer = Objects.requireNonNull(consumer, "consumer");
        }

        /**
         * @param position the last position already consumed (the checkpoint); default 0, the whole log
         * @return this builder
         */
        public Builder from(long position) {
            if (position < 0) {
                throw new IllegalArgumentException("a position is at least 0, got " + position);
            }
            this.from = position;
            return this;
        }

        /**
         * @param entries consumed entries between two checkpoints; default: only at close
         * @return this builder
         */
        public Builder checkpointEvery(long entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("checkpointEvery must be at least 1, got " + entries);
            }
            this.checkpointEvery = entries;
            return this;
        }

        /**
         * @param delay the wait before a failed entry is offered again; default 1 s
         * @return this builder
         */
        public Builder retryDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("retryDelay must not be negative, got " + delay);
            }
            this.retryDelay = delay;
            return this;
        }

        /**
         * Lets the follower gather commits: woken by a commit less than {@code gather} after it caught
         * up, it waits out the rest of that time before it reads, so that under a high commit rate it
         * wakes about once per {@code gather} instead of once per commit (each wake-up costs the
         * writer a system call and the machine a context switch: with one event per commit, the
         * HTTP server's single POSTs, they took a large share of two cores). A commit after a quiet
         * spell is read at once, and {@link #awaitPosition} cuts the wait short. For consumers whose
         * readers accept being that much behind under load: the built-in projections, the views.
         *
         * @param gather the longest extra wait; default zero, every commit is read at once
         * @return this builder
         */
        public Builder gather(Duration gather) {
            if (gather.isNegative()) {
                throw new IllegalArgumentException("gather must not be negative, got " + gather);
            }
            this.gather = gather;
            return this;
        }

        /** @return the follower, started */
        public LogFollower start() {
            LogFollower follower = new LogFollower(this);
            follower.thread.start();
            return follower;
        }
    }
}
