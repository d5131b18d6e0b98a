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
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The single writer. Requests from any thread are queued; this one thread takes them off in groups
 * and, for each request of a group, runs its checks ({@link RequestChecks}) and writes and indexes
 * its entries ({@link RequestWriter}); then it forces the log as the durability policy says
 * ({@link ForcePolicy}), publishes the new visible position, completes the callers' futures and tells
 * its listeners.
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
 * <p><b>Callbacks.</b> Futures are completed on this thread: dependent stages attached with the
 * non-async {@code CompletableFuture} methods run here and delay every other append; attach heavy work
 * with {@code *Async}. Listeners run here too and must return quickly.
 *
 * <p>Thread safety: {@link #submit}, {@link #tombstone}, {@link #stop}, {@link #addListener} and the
 * getters from any thread; everything else on the sequencer thread, which {@link #checkThread()}
 * asserts.
 */
public final class Sequencer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    private static final int MAX_GROUP = 4096;

    /** Something for the sequencer to do. */
    private sealed interface Request permits WriteRequest, StopRequest {
    }

    /**
     * A request that writes: its checks (run on the sequencer thread, against the log as it stands
     * then) say what it writes; its future completes with what the entries' kind returns.
     */
    private record WriteRequest<R>(Function<RequestChecks, PendingEntries<R>> check, CompletableFuture<R> future)
            implements Request {
    }

    private record StopRequest(CompletableFuture<Void> future) implements Request {
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

    // Sequencer-thread state.
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
        return enqueue(c -> c.append(events));
    }

    /**
     * Queues a tombstone.
     *
     * @param entityId the entity to delete
     * @return completes with the tombstone's position
     */
    public CompletableFuture<Long> tombstone(String entityId) {
        byte[] entity = entityId.getBytes(StandardCharsets.UTF_8);
        return enqueue(c -> c.tombstone(entityId, entity));
    }

    private <R> CompletableFuture<R> enqueue(Function<RequestChecks, PendingEntries<R>> check) {
        CompletableFuture<R> future = new CompletableFuture<>();
        enqueue(new WriteRequest<>(check, future), future);
        return future;
    }

    private void enqueue(Request request, CompletableFuture<?> future) {
        if (stopped) {
            future.completeExceptionally(closed());
            return;
        }
        try {
            queue.put(request); // blocks only when 65,536 requests are already waiting: back-pressure
        } catch (InterruptedException e) {
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

    /** @throws IllegalStateException unless called on the sequencer thread (the single-writer rule) */
    private void checkThread() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("sequencer state touched from " + Thread.currentThread().getName());
        }
    }

    @Override
    public void run() {
        checkThread();
        boolean running = true;
        while (running) {
            try {
                Request first = nextRequest();
                if (first == null) {
                    forceIfDue(); // the wait ended without a request: the policy's time is up
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                running = processGroup();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException | Error e) {
                LOG.error("sequencer failed; the store accepts no more appends", e);
                fail(e);
            } finally {
                group.clear();
                completions.clear();
            }
        }
    }

    /** @return the next request, or {@code null} if the force policy's wait ran out first */
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
        checkThread();
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
            }
        }
        if (stop != null) {
            log.forceDirty(); // close forces under every policy
        } else {
            forceIfDue();
        }
        publish();
        if (stop != null) {
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
                    s.future().complete(null);
                    stop = true;
                }
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
        }
        return false;
    }
}
