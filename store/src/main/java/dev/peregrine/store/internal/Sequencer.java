package dev.peregrine.store.internal;

import dev.peregrine.store.AppendResult;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.log.SegmentedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The single writer. Requests from any thread are queued; the sequencer thread takes them off in
 * groups and, for each request of a group, runs its checks ({@link RequestChecks}) and writes and
 * indexes its entries ({@link RequestWriter}); then it forces the log as the durability policy says
 * ({@link ForcePolicy}), publishes the new visible position, completes the callers' futures and tells
 * its listeners.
 *
 * <p><b>One writer at a time.</b> A group is processed only under the {@code writing} lock, so the
 * writer's state has one owner at a time. The owner is the sequencer thread, or a caller that is going
 * to block for its result anyway ({@link #submitInline}): once it holds the lock and no request is
 * queued or being processed, that caller runs its own group of one. This saves the round trip's two
 * thread hand-offs (queue to sequencer, future to caller), which dominate a single append under
 * {@code none} and {@code interval}: 2,000 appends from one thread took 82 ms through the queue and
 * 9 ms inline. Under {@code fsync} a caller that finds the lock busy queues instead (see
 * {@link #acquireForInline}), so that concurrent appends still share one force. The "nothing
 * pending" condition keeps requests in submission order: a request runs inline only when every
 * request submitted before it has been processed.
 *
 * <p><b>Small asynchronous submits inline.</b> Under a policy that never forces a group ({@code none})
 * an asynchronous {@link #submit} of at most {@link #INLINE_SUBMIT_EVENTS} events runs inline too, but
 * only when the lock is free at once and nothing is pending: it never waits for the writer and never
 * forces, so it costs the caller (an event loop) the write itself, a few microseconds, instead of the
 * two hand-offs to the sequencer thread and back, which cost more than such a write
 * (docs/benchmarks.md). Its future is then complete when {@code submit} returns. Larger batches queue,
 * so that a caller that streams them (NDJSON ingest) parses the next while the sequencer writes this
 * one; under {@code fsync} and {@code interval} every asynchronous submit queues, so an event loop
 * never forces.
 *
 * <p><b>Group commit.</b> While one force runs, new requests pile up in the queue; the next loop
 * iteration drains all of them at once, writes them, and covers them with a single force. Under load
 * the number of forces per second therefore stays bounded while the events per force grow.
 *
 * <p><b>Visibility.</b> {@link #visiblePosition()} is a volatile written after the group's entries and
 * index updates (and, under {@code fsync}, after the force). Readers acquire it first and never look
 * past it, which is what makes the sequencer's plain writes to the index arrays safe to read: an
 * event is never seen by a query before its append is acknowledged.
 *
 * <p><b>Failures.</b> A request whose checks fail completes with that error and writes nothing. A
 * request whose write was undone ({@link StorageFailureException.Outcome#NOT_WRITTEN}: the disk is
 * full) is refused alone, and the next request tries again. Any other failure may have left the
 * indexes ahead of the file: it fails the store, which from then on refuses every request.
 *
 * <p><b>Callbacks.</b> Futures are completed by the writer (the sequencer thread, or an inline
 * caller), under the writing lock: dependent stages attached with the non-async
 * {@code CompletableFuture} methods run there and delay every other append; attach heavy work with
 * {@code *Async}. Listeners run there too and must return quickly.
 *
 * <p>Thread safety: {@link #submit}, {@link #submitInline}, {@link #tombstone}, {@link #stop},
 * {@link #addListener} and the getters from any thread; everything else under the writing lock, which
 * {@link #checkWriter()} asserts.
 */
public final class Sequencer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    private static final int MAX_GROUP = 4096;
    /**
     * The largest asynchronous batch that may run inline: its write (about 1 µs an event) stays below
     * the two thread hand-offs it saves.
     */
    static final int INLINE_SUBMIT_EVENTS = 16;

    /** Something for the sequencer to do. */
    private sealed interface Request permits WriteRequest, StopRequest, WakeRequest {
    }

    /**
     * A request that writes: its checks (run by the writer, against the log as it stands then) say
     * what it writes; its future completes with what the entries' kind returns.
     */
    private record WriteRequest<R>(Function<RequestChecks, PendingEntries<R>> check, CompletableFuture<R> future)
            implements Request {
    }

    private record StopRequest(CompletableFuture<Void> future) implements Request {
    }

    /**
     * Does nothing but wake the sequencer thread: queued after an inline group left unforced writes
     * under a timed policy, so that the thread, which may be waiting for a request with no deadline,
     * comes back and waits only as long as the policy allows.
     */
    private record WakeRequest() implements Request {
    }

    /** A future to complete once the group is durable and visible. */
    private record Completion<R>(CompletableFuture<R> future, R value) {
        void complete() {
            future.complete(value);
        }
    }

    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>(1 << 16);
    private final SegmentedLog log;
    private final RequestChecks checks;
    private final RequestWriter writer;
    private final ForcePolicy forcePolicy;
    private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    /** Held by whoever processes a group: the sequencer thread or an inline caller. */
    private final ReentrantLock writing = new ReentrantLock();
    /** Requests submitted and not yet processed (queued, or taken but not yet done). */
    private final AtomicLong pending = new AtomicLong();

    // Writer state: touched only under the writing lock.
    private boolean ended; // a stop was processed: nothing more is written
    private long lastPosition;
    private long notified;
    private final List<Request> group = new ArrayList<>();
    private final List<Completion<?>> completions = new ArrayList<>();
    private volatile EventStoreException failure; // written by the sequencer thread, read by diagnostics from any
    /** Appends refused with nothing written since open (for the log's rate limit). */
    private long refusals;

    private volatile long visiblePosition;
    private volatile boolean stopped;

    /**
     * @param log the log, recovered (forced here)
     * @param checks pass 1 of each request
     * @param writer pass 2 of each request
     * @param forcePolicy when to force
     * @param lastPosition the last position in the log
     */
    Sequencer(SegmentedLog log, RequestChecks checks, RequestWriter writer, ForcePolicy forcePolicy,
              long lastPosition) {
        this.log = log;
        this.checks = checks;
        this.writer = writer;
        this.forcePolicy = forcePolicy;
        this.lastPosition = lastPosition;
        this.visiblePosition = lastPosition;
        this.notified = lastPosition;
        this.thread = Thread.ofPlatform().name("peregrine-sequencer").daemon(true).unstarted(this);
    }

    /** Starts the sequencer thread. */
    public void start() {
        thread.start();
    }

    /** @return the last position readers may see: acknowledged per the durability policy */
    public long visiblePosition() {
        return visiblePosition;
    }

    /**
     * @return whether the sequencer failed (a write or force failed, or an internal error); then the
     *         in-memory indexes may be ahead of the log. Call after {@link #stop()}.
     */
    public boolean failed() {
        return failure != null;
    }

    /** @param listener called on the sequencer thread with each new visible position */
    public void addListener(LongConsumer listener) {
        listeners.add(listener);
    }

    /** @param listener a listener added before */
    public void removeListener(LongConsumer listener) {
        listeners.remove(listener);
    }

    /**
     * Queues a batch.
     *
     * @param events validated events
     * @return completes with one result per event when the batch is durable per the policy
     */
    public CompletableFuture<List<AppendResult>> submit(List<PreparedEvent> events) {
        WriteRequest<List<AppendResult>> request = appendRequest(events);
        return events.size() <= INLINE_SUBMIT_EVENTS && forcePolicy.forcesOnlyOnClose()
                ? runInlineOrEnqueue(request, false) : enqueue(request);
    }

    /**
     * Submits a batch for a caller that blocks until it completes: runs it on the calling thread once
     * it holds the writer (see {@link #acquireForInline}) and nothing submitted earlier is pending,
     * else queues it.
     *
     * @param events validated events
     * @return completes (already, when it ran inline) as {@link #submit}'s future does
     */
    public CompletableFuture<List<AppendResult>> submitInline(List<PreparedEvent> events) {
        return runInlineOrEnqueue(appendRequest(events), true);
    }

    private static WriteRequest<List<AppendResult>> appendRequest(List<PreparedEvent> events) {
        return new WriteRequest<>(c -> c.append(events), new CompletableFuture<>());
    }

    /**
     * Submits a tombstone for a caller that blocks until it completes, as {@link #submitInline}.
     *
     * @param entityId the entity to delete
     * @return completes with the tombstone's position
     */
    public CompletableFuture<Long> tombstone(String entityId) {
        byte[] entity = entityId.getBytes(StandardCharsets.UTF_8);
        return runInlineOrEnqueue(new WriteRequest<>(c -> c.tombstone(entityId, entity), new CompletableFuture<>()),
                true);
    }

    /**
     * @param mayWait whether the caller may wait for a busy writer (a blocking caller may; an
     *                asynchronous one only takes a free writer)
     */
    private <R> CompletableFuture<R> runInlineOrEnqueue(WriteRequest<R> request, boolean mayWait) {
        // Not from a listener or future callback of a group this thread is processing: it would nest.
        if (!stopped && !writing.isHeldByCurrentThread() && (mayWait ? acquireForInline() : writing.tryLock())) {
            try {
                if (pending.get() == 0 && !ended) {
                    runInline(request);
                    return request.future();
                }
            } finally {
                writing.unlock();
            }
        }
        return enqueue(request);
    }

    /**
     * Takes the writing lock for an inline group. When the lock is busy, a policy that forces every
     * group sends the caller to the queue, so that it shares the next group's force; under the
     * others the caller waits for the lock, which hands the writer over between callers directly
     * instead of through the sequencer thread (in the 8 × 250 burst about twice as fast as queueing;
     * docs/benchmarks.md).
     *
     * @return whether the lock is held
     */
    private boolean acquireForInline() {
        if (writing.tryLock()) {
            return true;
        }
        if (forcePolicy.forcesEveryGroup()) {
            return false;
        }
        writing.lock();
        return true;
    }

    /** Under the writing lock, with nothing pending: processes a group of one on the caller's thread. */
    private void runInline(WriteRequest<?> request) {
        boolean wasDirty = log.hasDirty();
        group.add(request);
        processGroupGuarded();
        if (!wasDirty && log.hasDirty() && forcePolicy.maxWaitNanos(0) != ForcePolicy.FOREVER) {
            enqueue(new WakeRequest(), new CompletableFuture<Void>());
        }
    }

    private <R> CompletableFuture<R> enqueue(WriteRequest<R> request) {
        enqueue(request, request.future());
        return request.future();
    }

    private void enqueue(Request request, CompletableFuture<?> future) {
        if (stopped) {
            future.completeExceptionally(closed());
            return;
        }
        pending.incrementAndGet(); // before the put: an inline caller must see it from now on
        try {
            queue.put(request); // blocks only when 65,536 requests are already waiting: back-pressure
        } catch (InterruptedException e) {
            pending.decrementAndGet();
            Thread.currentThread().interrupt();
            future.completeExceptionally(new StorageFailureException("interrupted while queueing an append", null, e));
            return;
        }
        if (stopped && !thread.isAlive()) {
            failLeftovers(); // raced with stop(): nobody else will ever take this request
        }
    }

    private static StorageFailureException closed() {
        return new StorageFailureException("the store is closed", null, null, StorageFailureException.Outcome.NOT_WRITTEN);
    }

    /** Fails requests left in the queue after the sequencer thread ended, so no caller waits forever. */
    private void failLeftovers() {
        StorageFailureException closed = closed();
        Request r;
        while ((r = queue.poll()) != null) {
            failRequest(r, closed);
        }
    }

    /** Stops after everything queued so far is written and forced; waits for the thread to end. */
    public void stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new StopRequest(done), done);
        stopped = true;
        done.join();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failLeftovers();
    }

    /** @throws IllegalStateException unless the caller holds the writing lock (the single-writer rule) */
    private void checkWriter() {
        if (!writing.isHeldByCurrentThread()) {
            throw new IllegalStateException("sequencer state touched from " + Thread.currentThread().getName());
        }
    }

    @Override
    public void run() {
        boolean running = true;
        while (running) {
            Request first;
            try {
                first = nextRequest();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            writing.lock();
            try {
                if (first == null) {
                    forceIfDue(); // the wait ended without a request: the policy's time is up
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                int taken = group.size();
                running = processGroupGuarded();
                pending.addAndGet(-taken); // under the lock: an inline caller sees 0 only once all are done
            } finally {
                writing.unlock();
            }
        }
    }

    /**
     * Processes the gathered group; an unexpected failure fails the store.
     *
     * @return false once a stop was processed
     */
    private boolean processGroupGuarded() {
        checkWriter();
        try {
            return processGroup();
        } catch (RuntimeException | Error e) {
            LOG.error("sequencer failed; the store accepts no more appends", e);
            fail(e);
            return true;
        } finally {
            group.clear();
            completions.clear();
        }
    }

    /**
     * Waits without the writing lock; the dirty state it reads may change under an inline group,
     * which then queues a {@link WakeRequest} so that this wait is computed again.
     *
     * @return the next request, or {@code null} if the force policy's wait ran out first
     */
    private Request nextRequest() throws InterruptedException {
        if (log.hasDirty()) {
            long wait = forcePolicy.maxWaitNanos(log.nanosSinceForce());
            if (wait != ForcePolicy.FOREVER) {
                return wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
            }
        }
        return queue.take();
    }

    private void forceIfDue() {
        if (log.hasDirty() && forcePolicy.due(log.nanosSinceForce())) {
            log.forceDirty();
        }
    }

    private boolean processGroup() {
        if (failure != null) {
            boolean stop = false;
            for (Request r : group) {
                stop |= failRequest(r, failure);
            }
            return !stop;
        }
        try {
            writer.beginGroup();
        } catch (StorageFailureException e) {
            return refuseGroup(e);
        }
        StopRequest stop = null;
        for (Request r : group) {
            switch (r) {
                case WriteRequest<?> w -> write(w);
                case StopRequest s -> stop = s;
                case WakeRequest k -> { }
            }
        }
        if (stop != null) {
            log.forceDirty(); // close forces under every policy
        } else {
            forceIfDue();
        }
        publish();
        if (stop != null) {
            ended = true;
            stop.future().complete(null);
            return false;
        }
        return true;
    }

    private <R> void write(WriteRequest<R> request) {
        try {
            PendingEntries<R> entries = request.check().apply(checks);
            if (entries.count() > 0) {
                lastPosition = writer.write(entries, lastPosition);
            }
            completions.add(new Completion<>(request.future(), entries.result()));
        } catch (StorageFailureException e) {
            refuseOrFail(request.future(), e);
        } catch (EventStoreException e) {
            request.future().completeExceptionally(e);
        }
    }

    /** Refuses every request of the group (nothing of it was written) and keeps running unless one is a stop. */
    private boolean refuseGroup(StorageFailureException e) {
        boolean stop = false;
        for (Request r : group) {
            switch (r) {
                case WriteRequest<?> w -> refuseOrFail(w.future(), e);
                case StopRequest s -> {
                    log.forceDirty();
                    ended = true;
                    s.future().complete(null);
                    stop = true;
                }
                case WakeRequest k -> { }
            }
        }
        return !stop;
    }

    private void publish() {
        long published = lastPosition;
        visiblePosition = published; // volatile: releases the entries and index updates above
        for (Completion<?> c : completions) {
            c.complete();
        }
        if (published == notified) {
            return; // nothing new became visible (every request of the group failed)
        }
        notified = published;
        for (LongConsumer listener : listeners) {
            try {
                listener.accept(published);
            } catch (RuntimeException e) {
                LOG.warn("commit listener {} failed", listener, e);
            }
        }
    }

    /**
     * A write that was undone before any index saw it ({@code NOT_WRITTEN}: the disk is full, or a
     * write failed and its space was given back) fails only its request, and the next request tries
     * again. Anything else may have left the indexes ahead of the file: it fails the store.
     */
    private void refuseOrFail(CompletableFuture<?> future, StorageFailureException e) {
        if (e.outcome() != StorageFailureException.Outcome.NOT_WRITTEN) {
            throw e; // publish nothing; run() fails the store
        }
        refusals++;
        if (refusals == 1 || Long.bitCount(refusals) == 1) { // log the first and then ever more rarely
            LOG.warn("append refused, nothing stored ({} refusals so far): {}", refusals, e.getMessage());
        }
        future.completeExceptionally(e);
    }

    private void fail(Throwable cause) {
        failure = cause instanceof StorageFailureException s ? s
                : new StorageFailureException("the store stopped after an internal error: " + cause, null, cause);
        for (Request r : group) {
            failRequest(r, failure);
        }
        for (Completion<?> c : completions) {
            c.future().completeExceptionally(failure);
        }
    }

    /** @return whether the request was a stop */
    private static boolean failRequest(Request r, EventStoreException e) {
        switch (r) {
            case WriteRequest<?> w -> w.future().completeExceptionally(e);
            case StopRequest s -> {
                s.future().complete(null);
                return true;
            }
            case WakeRequest k -> { }
        }
        return false;
    }
}
