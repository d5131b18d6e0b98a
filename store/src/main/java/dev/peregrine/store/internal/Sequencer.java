package dev.peregrine.store.internal;

import dev.peregrine.store.AppendResult;
import dev.peregrine.store.ConcurrencyConflictException;
import dev.peregrine.store.Durability;
import dev.peregrine.store.DuplicateEventIdException;
import dev.peregrine.store.EntityDeletedException;
import dev.peregrine.store.EntityNotFoundException;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.log.EntryDescriptor;
import dev.peregrine.store.log.EntryWriter;
import dev.peregrine.store.log.LogSegment;
import dev.peregrine.store.log.SegmentHeaderDescriptor;
import dev.peregrine.store.log.SegmentedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The single writer. Appends from any thread are queued; this one thread takes them off in groups,
 * checks expected versions and event-id idempotency, assigns positions and timestamps, copies the
 * entries into the mapped log, updates the indexes, forces according to the durability policy, then
 * publishes the new visible position and completes the callers' futures.
 *
 * <p><b>Group commit.</b> While one force runs, new requests pile up in the queue; the next loop
 * iteration drains all of them at once, writes them, and covers them with a single force. Under load
 * the number of forces per second therefore stays bounded while the events per force grow.
 *
 * <p><b>Visibility.</b> {@link #visiblePosition()} is a volatile written after the group's entries and
 * index updates (and, under {@code fsync}, after the force). Readers acquire it first and never look
 * past it, which is what makes the sequencer's plain writes to the mapped file and the index arrays
 * safe to read: an event is never seen by a query before its append is acknowledged.
 *
 * <p><b>Atomic batches.</b> All checks for a batch run before any of its bytes are written; a failing
 * check fails the whole batch and writes nothing. A batch is written into one segment, and its entries
 * carry how many of the batch follow, so recovery keeps it whole or drops it whole.
 *
 * <p><b>Callbacks.</b> Futures are completed on this thread: dependent stages attached with the
 * non-async {@code CompletableFuture} methods run here and delay every other append; attach heavy work
 * with {@code *Async}. Commit listeners run here too and must return quickly.
 *
 * <p>Thread safety: {@link #submit}/{@link #tombstone} from any thread; everything else on the
 * sequencer thread, which {@link #checkThread()} asserts.
 */
public final class Sequencer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    private static final int MAX_GROUP = 4096;
    private static final byte[] TOMBSTONE_TYPE = StoredEvent.TOMBSTONE_TYPE.getBytes(StandardCharsets.US_ASCII);
    private static final MemorySegment EMPTY = MemorySegment.ofArray(new byte[0]);

    /** Something for the sequencer to do. */
    private sealed interface Request permits AppendRequest, TombstoneRequest, StopRequest {
    }

    private record AppendRequest(List<PreparedEvent> events, CompletableFuture<List<AppendResult>> future)
            implements Request {
    }

    private record TombstoneRequest(String entityId, byte[] entity, CompletableFuture<Long> future) implements Request {
    }

    private record StopRequest(CompletableFuture<Void> future) implements Request {
    }

    /** An entity that reached a snapshot boundary at a position. */
    private record DueSnapshot(String entityId, long position) {
    }

    /** Work to finish after the group is durable and visible. */
    private record Completion(CompletableFuture<Object> future, Object value) {
    }

    /** Receives positions whose entity reached a snapshot boundary. */
    @FunctionalInterface
    public interface SnapshotTrigger {
        /**
         * @param entityId the entity
         * @param position the position of its event at the boundary
         */
        void snapshotDue(String entityId, long position);
    }

    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>(1 << 16);
    private final SegmentedLog log;
    private final LogIndexes indexes;
    private final EventReader reader;
    private final DictionaryFile dictionary;
    private final Durability durability;
    private final int snapshotEvery;
    private final SnapshotTrigger snapshots;
    private final int maxBatchBytes;
    private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final EntryWriter entries = new EntryWriter();

    // Sequencer-thread state.
    private long lastPosition;
    private long lastTimestamp;
    private long lastForceNanos = System.nanoTime();
    /**
     * Forces done and their summed duration, for the metrics. Volatile: written only by the sequencer
     * thread (so the increments cannot race), read by {@code stats()} from any thread.
     */
    private volatile long forces;
    private volatile long forceNanos;
    private long notified;
    private final List<Request> group = new ArrayList<>();
    private final List<Completion> completions = new ArrayList<>();
    private final List<DueSnapshot> dueSnapshots = new ArrayList<>();
    private EventStoreException failure;
    /** Appends refused with nothing written since open (for the log's rate limit). */
    private long refusals;

    private volatile long visiblePosition;
    private volatile long ingested;
    private volatile boolean stopped;

    /**
     * @param log the log, recovered
     * @param indexes the indexes, rebuilt up to {@code lastPosition}
     * @param reader reads stored entries (idempotency checks)
     * @param dictionary the persisted dictionary
     * @param durability the policy
     * @param snapshotEvery events per entity between automatic snapshots (0: never)
     * @param snapshots notified of snapshot boundaries once they are visible
     * @param lastPosition the last position in the log
     * @param lastTimestamp the last timestamp in the log
     */
    public Sequencer(SegmentedLog log, LogIndexes indexes, EventReader reader, DictionaryFile dictionary,
                     Durability durability, int snapshotEvery, SnapshotTrigger snapshots, long lastPosition,
                     long lastTimestamp) {
        this.log = log;
        this.indexes = indexes;
        this.reader = reader;
        this.dictionary = dictionary;
        this.durability = durability;
        this.snapshotEvery = snapshotEvery;
        this.snapshots = snapshots;
        this.lastPosition = lastPosition;
        this.lastTimestamp = lastTimestamp;
        this.visiblePosition = lastPosition;
        this.notified = lastPosition;
        this.maxBatchBytes = Math.toIntExact(log.segmentBytes() - SegmentHeaderDescriptor.HEADER_LENGTH);
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

    /** @return events appended since open */
    public long ingested() {
        return ingested;
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
        CompletableFuture<List<AppendResult>> future = new CompletableFuture<>();
        enqueue(new AppendRequest(events, future), future);
        return future;
    }

    /**
     * Queues a tombstone.
     *
     * @param entityId the entity to delete
     * @return completes with the tombstone's position
     */
    public CompletableFuture<Long> tombstone(String entityId) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        enqueue(new TombstoneRequest(entityId, entityId.getBytes(StandardCharsets.UTF_8), future), future);
        return future;
    }

    private void enqueue(Request request, CompletableFuture<?> future) {
        if (stopped) {
            future.completeExceptionally(new StorageFailureException("the store is closed", null, null, StorageFailureException.Outcome.NOT_WRITTEN));
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

    /** Fails requests left in the queue after the sequencer thread ended, so no caller waits forever. */
    private void failLeftovers() {
        StorageFailureException closed = new StorageFailureException("the store is closed", null, null, StorageFailureException.Outcome.NOT_WRITTEN);
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
                    forceIfDue();
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
                dueSnapshots.clear();
            }
        }
    }

    private Request nextRequest() throws InterruptedException {
        if (durability.mode() == Durability.Mode.INTERVAL && log.hasDirty()) {
            long wait = durability.interval().orElseThrow().toNanos() - (System.nanoTime() - lastForceNanos);
            return wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
        }
        return queue.take();
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
            dictionary.persistNew(); // names before the entries that use them; see DictionaryFile
        } catch (StorageFailureException e) {
            return refuseGroup(e);
        }
        long before = lastPosition;
        StopRequest stop = null;
        for (Request r : group) {
            switch (r) {
                case AppendRequest a -> append(a);
                case TombstoneRequest t -> tombstone(t);
                case StopRequest s -> stop = s;
            }
        }
        if (lastPosition != before) {
            if (durability.mode() == Durability.Mode.FSYNC || stop != null) {
                force();
            } else {
                forceIfDue();
            }
        } else if (stop != null && log.hasDirty()) {
            force();
        }
        publish();
        if (stop != null) {
            stop.future().complete(null);
            return false;
        }
        return true;
    }

    /** Refuses every request of the group (nothing of it was written) and keeps running unless one is a stop. */
    private boolean refuseGroup(StorageFailureException e) {
        boolean stop = false;
        for (Request r : group) {
            switch (r) {
                case AppendRequest a -> refuseOrFail(a.future(), e);
                case TombstoneRequest t -> refuseOrFail(t.future(), e);
                case StopRequest s -> {
                    if (log.hasDirty()) {
                        force();
                    }
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
        for (Completion c : completions) {
            c.future().complete(c.value());
        }
        for (DueSnapshot due : dueSnapshots) {
            snapshots.snapshotDue(due.entityId(), due.position());
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

    private void force() {
        long started = System.nanoTime();
        log.forceDirty();
        lastForceNanos = System.nanoTime();
        forceNanos += lastForceNanos - started;
        forces++;
    }

    /** @return how many times the log was forced to disk since the store opened */
    long forces() {
        return forces;
    }

    /** @return the time spent in those forces, in nanoseconds */
    long forceNanos() {
        return forceNanos;
    }

    private void forceIfDue() {
        if (durability.mode() == Durability.Mode.INTERVAL && log.hasDirty()
                && System.nanoTime() - lastForceNanos >= durability.interval().orElseThrow().toNanos()) {
            force();
        }
    }

    private long nextTimestamp() {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        lastTimestamp = Math.max(lastTimestamp, nanos); // never backwards, even if the clock is
        return lastTimestamp;
    }

    @SuppressWarnings("unchecked")
    private void complete(CompletableFuture<?> future, Object value) {
        completions.add(new Completion((CompletableFuture<Object>) future, value));
    }

    private void append(AppendRequest request) {
        checkThread();
        List<PreparedEvent> events = request.events();
        int n = events.size();
        AppendResult[] results = new AppendResult[n];
        long[] versions = new long[n];
        try {
            int bytes = check(events, results, versions);
            if (bytes > maxBatchBytes) {
                throw new InvalidEventException("events", "the batch needs " + bytes
                        + " bytes of log, more than one segment holds (" + maxBatchBytes + ")");
            }
            if (bytes > 0) {
                // Names of drafts only now, for events about to be written; durable first. See DictionaryFile.
                write(dictionary.commit(events), results, versions, bytes);
            }
            complete(request.future(), Arrays.asList(results));
        } catch (StorageFailureException e) {
            refuseOrFail(request.future(), e);
        } catch (EventStoreException e) {
            request.future().completeExceptionally(e);
        }
    }

    /**
     * Pass 1 of an append: every check, no writes.
     *
     * @return bytes of log the new events need (0 when all are idempotent repeats)
     */
    private int check(List<PreparedEvent> events, AppendResult[] results, long[] versions) {
        int n = events.size();
        Map<String, Long> batchVersions = n > 1 ? new HashMap<>() : null;
        Set<UUID> batchIds = n > 1 ? new HashSet<>() : null;
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            PreparedEvent p = events.get(i);
            NewEvent e = p.event();
            UUID id = e.eventId();
            if (e.clientSuppliedId()) {
                long existing = indexes.ids().find(id.getMostSignificantBits(), id.getLeastSignificantBits(), Long.MAX_VALUE);
                if (existing != 0) {
                    if (!p.sameContentAs(reader, existing)) {
                        throw new DuplicateEventIdException(id, existing);
                    }
                    results[i] = reader.appendResult(existing);
                    continue;
                }
                if (batchIds != null && !batchIds.add(id)) {
                    throw new InvalidEventException("id", "event id " + id + " appears twice in the batch");
                }
            }
            String entityId = e.entityId();
            EntityStream stream = indexes.stream(entityId);
            Long pending = batchVersions == null ? null : batchVersions.get(entityId);
            long current = pending != null ? pending : stream == null ? 0 : stream.writerVersion();
            if (current == 0 && pending == null && stream != null && e.expectedVersion().kind() != ExpectedVersion.Kind.NO_STREAM) {
                long tomb = stream.lastTombstone(Long.MAX_VALUE);
                if (tomb != 0) {
                    throw new EntityDeletedException(entityId, tomb);
                }
            }
            if (!e.expectedVersion().matches(current)) {
                throw new ConcurrencyConflictException(entityId, e.expectedVersion(), current);
            }
            versions[i] = current + 1;
            if (batchVersions != null) {
                batchVersions.put(entityId, current + 1);
            }
            bytes += p.entryLength();
        }
        return bytes;
    }

    /**
     * Pass 2 of an append: write the new events into one segment, then index them.
     *
     * <p>The order is the point: every entry is staged and written to the file before any index
     * learns its position. Indexes read entries back (the id table re-reads every id when it grows),
     * and a staged entry is not in the file until {@link EntryWriter#flush()}; an index that saw a
     * position before its bytes were written rehashed it from zeros and lost it.
     */
    private void write(List<PreparedEvent> events, AppendResult[] results, long[] versions, int bytes) {
        int remaining = 0;
        for (AppendResult r : results) {
            if (r == null) {
                remaining++;
            }
        }
        int written = remaining;
        LogSegment segment = log.ensureRoom(bytes, lastPosition + 1);
        long timestamp = nextTimestamp();
        long[] offsets = new long[events.size()];
        long position = lastPosition;
        for (int i = 0; i < events.size(); i++) {
            if (results[i] != null) {
                continue;
            }
            PreparedEvent p = events.get(i);
            UUID id = p.event().eventId();
            offsets[i] = segment.claim(p.entryLength());
            entries.write(segment, offsets[i], p.entryLength(), ++position, timestamp, id.getMostSignificantBits(),
                    id.getLeastSignificantBits(), versions[i], --remaining, EntryDescriptor.KIND_EVENT, p.payload(),
                    p.metadata(), p.type(), p.entity(), p.tenant(), dictionary.persistedSize());
        }
        entries.flush();
        log.markDirty(segment);
        Instant instant = Instant.ofEpochSecond(0, timestamp);
        for (int i = 0; i < events.size(); i++) {
            if (results[i] != null) {
                continue;
            }
            PreparedEvent p = events.get(i);
            UUID id = p.event().eventId();
            segment.indexEntry(offsets[i]);
            long indexed = lastPosition + 1;
            long version = indexes.addEvent(indexed, p.event().entityId(), p.event().eventType(),
                    id.getMostSignificantBits(), id.getLeastSignificantBits());
            assert version == versions[i] : "index version " + version + " != checked version " + versions[i];
            lastPosition = indexed;
            results[i] = new AppendResult(id, indexed, version, instant);
            if (snapshotEvery > 0 && version % snapshotEvery == 0) {
                dueSnapshots.add(new DueSnapshot(p.event().entityId(), indexed));
            }
        }
        ingested = ingested + written; // single writer: a plain read-modify-write of the volatile is safe
    }

    private void tombstone(TombstoneRequest request) {
        checkThread();
        try {
            EntityStream stream = indexes.stream(request.entityId());
            if (stream == null) {
                throw new EntityNotFoundException(request.entityId());
            }
            if (stream.writerVersion() == 0) {
                long tomb = stream.lastTombstone(Long.MAX_VALUE);
                throw tomb != 0 ? new EntityDeletedException(request.entityId(), tomb)
                        : new EntityNotFoundException(request.entityId());
            }
            byte[] tenant = NewEvent.DEFAULT_TENANT.getBytes(StandardCharsets.UTF_8);
            int length = PreparedEvent.lengthOf(TOMBSTONE_TYPE, request.entity(), tenant, 0, 0);
            LogSegment segment = log.ensureRoom(length, lastPosition + 1);
            long position = lastPosition + 1;
            long off = segment.claim(length);
            UUID id = Uuids.timeOrdered();
            entries.write(segment, off, length, position, nextTimestamp(), id.getMostSignificantBits(),
                    id.getLeastSignificantBits(), 0, 0, EntryDescriptor.KIND_TOMBSTONE, EMPTY, null, TOMBSTONE_TYPE,
                    request.entity(), tenant, dictionary.persistedSize());
            entries.flush();
            segment.indexEntry(off);
            indexes.addTombstone(position, request.entityId());
            lastPosition = position;
            log.markDirty(segment);
            complete(request.future(), position);
        } catch (StorageFailureException e) {
            refuseOrFail(request.future(), e);
        } catch (EventStoreException e) {
            request.future().completeExceptionally(e);
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
        for (Completion c : completions) {
            c.future().completeExceptionally(failure);
        }
    }

    /** @return whether the request was a stop */
    private static boolean failRequest(Request r, EventStoreException e) {
        switch (r) {
            case AppendRequest a -> a.future().completeExceptionally(e);
            case TombstoneRequest t -> t.future().completeExceptionally(e);
            case StopRequest s -> {
                s.future().complete(null);
                return true;
            }
        }
        return false;
    }
}
