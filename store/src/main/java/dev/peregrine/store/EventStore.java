package dev.peregrine.store;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.internal.StoreEngine;
import dev.peregrine.store.subscription.Subscriptions;
import dev.peregrine.store.subscription.internal.SubscriptionManager;
import dev.peregrine.store.view.Views;
import dev.peregrine.store.view.internal.ViewManager;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * A durable event store on one directory: an append-only log of events with entity, type, id and
 * time indexes, state reconstruction, snapshots and projections. Any number of threads may append and
 * query at once; appends are ordered by one sequencer thread and acknowledged according to the
 * {@link Durability} policy.
 *
 * <p>Synchronous use:
 * <pre>{@code
 * try (EventStore store = EventStore.open(Path.of("data"), StoreOptions.defaults())) {
 *     Record payload = JsonCodec.defaults().parse(store.dictionary(), "{\"name\":\"Alice\"}");
 *     AppendResult r = store.append(NewEvent.builder()
 *             .eventType("user.created").entityId("user-123").payload(payload).build());
 *     EntityState state = store.reconstruct("user-123", null);
 * }
 * }</pre>
 *
 * <p>Asynchronous use:
 * <pre>{@code
 * store.appendAsync(List.of(e1, e2))            // atomic: both or neither
 *      .thenAcceptAsync(results -> reply(results));
 * }</pre>
 * Futures complete on the sequencer thread; attach further work with the {@code *Async} methods so
 * that it does not delay other appends.
 *
 * <p><b>Records and the dictionary.</b> Payloads and metadata are records whose field ids come from
 * {@link #dictionary()}, which the store persists: parse incoming JSON with it. A record built with
 * another dictionary is accepted and re-encoded.
 *
 * <p><b>Lifetime of results.</b> {@link StoredEvent} payloads are views over the mapped log files,
 * valid until {@link #close()}.
 *
 * <p><b>Tombstones.</b> {@link #tombstone(String)} appends a tombstone entry (it takes a position).
 * From then on the entity's earlier events are hidden from queries, {@link #get(UUID)}, state and
 * snapshots (they stay in the log and in {@link #readFrom(long, int)}), its version reads 0, and
 * appending to it fails with {@link EntityDeletedException} unless the append expects
 * {@link ExpectedVersion#noStream()}, which re-creates the stream from version 1.
 */
public final class EventStore implements AutoCloseable {

    private final StoreEngine engine;
    /** Views and subscriptions start on first use, so a store that uses neither runs no thread for them. */
    private ViewManager views;
    private SubscriptionManager subscriptions;

    private EventStore(StoreEngine engine) {
        this.engine = engine;
    }

    /**
     * The store's incrementally maintained views; persisted views resume from their checkpoints when
     * this is first called after opening.
     *
     * @return the views
     */
    public synchronized Views views() {
        if (views == null) {
            views = new ViewManager(engine.committedLog(), engine.directory(),
                    engine.options().followerCheckpointEvery());
        }
        return views;
    }

    /**
     * The store's subscriptions (live, durable and consumer groups).
     *
     * @return the subscriptions
     */
    public synchronized Subscriptions subscriptions() {
        if (subscriptions == null) {
            subscriptions = new SubscriptionManager(engine.committedLog(), engine.directory(),
                    SubscriptionManager.DEFAULT_BUFFER);
        }
        return subscriptions;
    }

    /**
     * Opens (creating if needed) the store in {@code directory}, recovering it after a crash: a torn
     * last entry or incomplete last batch is truncated; a damaged entry anywhere else fails the open
     * with {@link CorruptLogException} unless {@link StoreOptions#repairCorruption()} is set.
     *
     * @param directory the store's directory; only one store may have it open at a time
     * @param options options
     * @return the open store
     * @throws CorruptLogException if a file is damaged beyond a torn tail
     * @throws StorageFailureException if the directory cannot be used (or is in use)
     */
    public static EventStore open(Path directory, StoreOptions options) {
        return new EventStore(StoreEngine.open(directory, options));
    }

    /**
     * Appends a batch atomically: all events are stored, in order and at consecutive positions, or none
     * is. Expected versions are checked against the stream as it stands when the sequencer reaches the
     * batch (including earlier events of the same batch). An event whose client-supplied id is already
     * stored with the same content is not stored again: its original result is returned.
     *
     * @param events 1 to {@link StoreOptions#maxBatchEvents()} events
     * @return completes with one result per event, in order, once the policy is met; or exceptionally
     *         with an {@link EventStoreException} ({@link InvalidEventException},
     *         {@link ConcurrencyConflictException}, {@link DuplicateEventIdException},
     *         {@link EntityDeletedException}, {@link StorageFailureException})
     */
    public CompletableFuture<List<AppendResult>> appendAsync(List<NewEvent> events) {
        return engine.appendAsync(events);
    }

    /**
     * Blocking form of {@link #appendAsync(List)}.
     *
     * @param events the batch
     * @return one result per event
     * @throws EventStoreException as listed for {@link #appendAsync(List)}
     */
    public List<AppendResult> append(List<NewEvent> events) {
        return join(appendAsync(events));
    }

    /**
     * Appends one event, blocking.
     *
     * @param event the event
     * @return its result
     * @throws EventStoreException as listed for {@link #appendAsync(List)}
     */
    public AppendResult append(NewEvent event) {
        return append(List.of(event)).get(0);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException | CancellationException e) {
            if (e.getCause() instanceof EventStoreException ese) {
                throw ese;
            }
            throw new StorageFailureException("append failed: " + e.getMessage(), null, e);
        }
    }

    /**
     * Runs a query; see {@link Query} for the filters.
     *
     * @param query the query
     * @return one page of matching events in position order
     * @throws InvalidEventException for a malformed cursor or event type
     */
    public QueryPage query(Query query) {
        return engine.query(query);
    }

    /**
     * @param eventId an event id
     * @return the event, unless absent or its entity was tombstoned after it
     */
    public Optional<StoredEvent> get(UUID eventId) {
        return engine.get(eventId);
    }

    /**
     * Folds the entity's payloads with JSON Merge Patch (RFC 7396), from its newest snapshot at or
     * before the point asked for.
     *
     * @param entityId the entity
     * @param asOfOrNull fold only events with a timestamp at or before this; {@code null} for all
     * @return the state
     * @throws EntityNotFoundException if the entity has no event (at that time)
     * @throws EntityDeletedException if it was tombstoned and not re-created
     */
    public EntityState reconstruct(String entityId, Instant asOfOrNull) {
        return engine.reconstruct(entityId, asOfOrNull);
    }

    /**
     * @param entityId the entity
     * @return its current visible stream version: 0 if it has no events or was tombstoned
     */
    public long streamVersion(String entityId) {
        return engine.streamVersion(entityId);
    }

    /**
     * Takes and persists a snapshot of the entity's current state.
     *
     * @param entityId the entity
     * @return the snapshot
     * @throws EntityNotFoundException if the entity has no event
     * @throws EntityDeletedException if it was tombstoned
     */
    public Snapshot createSnapshot(String entityId) {
        return engine.createSnapshot(entityId);
    }

    /**
     * @param entityId the entity
     * @return the newest persisted snapshot of its live stream (automatic or requested)
     */
    public Optional<Snapshot> latestSnapshot(String entityId) {
        return engine.latestSnapshot(entityId);
    }

    /**
     * Deletes an entity by appending a tombstone; see the class documentation for what that hides.
     * Blocks until the tombstone is durable per the policy.
     *
     * @param entityId the entity
     * @return the tombstone's position
     * @throws EntityNotFoundException if the entity has no events
     * @throws EntityDeletedException if it is already tombstoned
     */
    public long tombstone(String entityId) {
        return join(engine.tombstone(entityId));
    }

    /** @return counters describing the store */
    public StoreStats stats() {
        return engine.stats();
    }

    /** @return the store's persisted field dictionary: parse incoming JSON with it */
    public FieldDictionary dictionary() {
        return engine.dictionary();
    }

    /**
     * Registers a projection and starts feeding it, from its persisted checkpoint if it has one.
     *
     * @param projection the projection
     * @throws IllegalArgumentException if its name is invalid or already registered
     */
    public void registerProjection(Projection projection) {
        engine.registerProjection(projection);
    }

    /**
     * @param name a projection name ({@code "entity_snapshots"}, {@code "event_counters"}, or a custom one)
     * @return the projection
     */
    public Optional<Projection> projection(String name) {
        return engine.projections().get(name);
    }

    /** @return names of all registered projections, sorted */
    public List<String> projectionNames() {
        return engine.projections().names();
    }

    /**
     * Resets a projection and feeds it again from position 1 (in the background).
     *
     * @param name the projection
     * @return whether a projection of that name exists
     */
    public boolean rebuildProjection(String name) {
        return engine.projections().rebuild(name);
    }

    /**
     * @param name a projection
     * @return the last position it has applied, or -1 if there is no such projection
     */
    public long projectionPosition(String name) {
        return engine.projections().position(name);
    }

    /**
     * Waits until every projection has applied every event visible at the time of the call.
     *
     * @param timeout longest wait
     * @throws TimeoutException if they did not catch up in time
     * @throws InterruptedException if interrupted
     */
    public void awaitProjections(Duration timeout) throws TimeoutException, InterruptedException {
        engine.awaitProjections(timeout);
    }

    /** @return the last position visible to readers (acknowledged per the policy); 0 when empty */
    public long lastPosition() {
        return engine.lastPosition();
    }

    /**
     * Reads the raw log in position order, for subscriptions and views: every entry from
     * {@code position}, tombstones included ({@link StoredEvent#isTombstone()}), events of deleted
     * entities included (the log is immutable). No gaps: entry {@code i} of the result has position
     * {@code position + i}.
     *
     * @param position first position, from 1
     * @param maxEvents most entries to return
     * @return up to {@code maxEvents} entries; fewer (possibly none) at the end of the log
     */
    public List<StoredEvent> readFrom(long position, int maxEvents) {
        return engine.readFrom(position, maxEvents);
    }

    /**
     * Adds a listener called with the new {@link #lastPosition()} each time appends become visible,
     * after their futures completed. It runs on the sequencer thread: it must return quickly and never
     * block (hand work to another thread, e.g. by unparking it).
     *
     * @param listener receives the committed position
     */
    public void addCommitListener(LongConsumer listener) {
        engine.addCommitListener(listener);
    }

    /** @param listener a listener added before */
    public void removeCommitListener(LongConsumer listener) {
        engine.removeCommitListener(listener);
    }

    /** @return what recovery did when this store was opened (empty after a clean shutdown) */
    public List<String> recoveryActions() {
        return engine.recoveryActions();
    }

    /** @return approximate heap bytes held by the indexes (for capacity planning and benchmarks) */
    public long indexHeapBytes() {
        return engine.indexHeapBytes();
    }

    /** @return the log as the engine's readers follow it (for tests of those readers: not public API) */
    CommittedLog committedLog() {
        return engine.committedLog();
    }

    /** @return the store's directory */
    public Path directory() {
        return engine.directory();
    }

    /** @return the options it was opened with */
    public StoreOptions options() {
        return engine.options();
    }

    /**
     * Waits for queued appends, forces the log (under every policy), checkpoints projections and
     * indexes, and releases the directory. Record views handed out become unreadable.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (subscriptions != null) {
                subscriptions.close();
            }
            if (views != null) {
                views.close();
            }
        }
        engine.close();
    }
}
