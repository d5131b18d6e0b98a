package dev.peregrine.store;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.backup.BackupManifest;
import dev.peregrine.store.backup.BackupProgress;
import dev.peregrine.store.backup.BackupReport;
import dev.peregrine.store.backup.internal.Restorer;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.internal.EventValidator;
import dev.peregrine.store.internal.StoreEngine;
import dev.peregrine.store.replay.ReplayRequest;
import dev.peregrine.store.replay.Replays;
import dev.peregrine.store.replay.internal.ReplayManager;
import dev.peregrine.store.replay.internal.ShadowState;
import dev.peregrine.store.retention.Retention;
import dev.peregrine.store.subscription.Subscriptions;
import dev.peregrine.store.subscription.internal.SubscriptionManager;
import dev.peregrine.store.view.Views;
import dev.peregrine.store.view.internal.ViewManager;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * A durable event store on one directory: an append-only log of events with entity, type, id and
 * time indexes, state reconstruction, snapshots and projections. Any number of threads may append and
 * query at once; appends are ordered by one writer at a time (a sequencer thread, or a blocking caller
 * that finds it idle) and acknowledged according to the {@link Durability} policy.
 *
 * <p>Synchronous use:
 * <pre>{@code
 * try (EventStore store = EventStore.open(Path.of("data"), StoreOptions.defaults())) {
 *     Record payload = JsonCodec.defaults().parse(store.dictionary().draft(), "{\"name\":\"Alice\"}");
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
 * Futures of {@code appendAsync} complete on the sequencer thread, or, under {@link Durability#none()}
 * when the writer is idle, on the caller's thread before {@code appendAsync} returns (it never waits
 * for the writer or the disk there); attach further work with the {@code *Async} methods so that it
 * does not delay other appends.
 *
 * <p><b>Records and the dictionary.</b> Payloads and metadata are records whose field ids come from
 * {@link #dictionary()}, which the store persists. Parse incoming JSON with a
 * {@linkplain FieldDictionary#draft() draft} of it (one per request): the store then adds a draft's
 * new names only when it stores an event that uses them, all of an append's or none, so a rejected
 * append leaves the dictionary as it was, and it refuses an append that would take it past
 * {@link StoreOptions#maxFieldNames()} with {@link FieldNameLimitException}. Names interned into
 * {@link #dictionary()} itself are kept at once, whatever happens to the append (and past the limit
 * the interning itself fails). A record built with another dictionary is accepted and re-encoded.
 *
 * <p><b>Lifetime of results.</b> {@link StoredEvent} payloads are views over the mapped log files,
 * valid until {@link #close()}. The {@link EventView} handed to an {@link EventVisitor} is valid only
 * during the visit that receives it.
 *
 * <p><b>Tombstones.</b> {@link #tombstone(String)} appends a tombstone entry (it takes a position).
 * From then on the entity's earlier events are hidden from queries, {@link #get(UUID)}, state and
 * snapshots (they stay in the log, and subscriptions still deliver them), its version reads 0, and
 * appending to it fails with {@link EntityDeletedException} unless the append expects
 * {@link ExpectedVersion#noStream()}, which re-creates the stream from version 1.
 */
public final class EventStore implements AutoCloseable {

    private final StoreEngine engine;
    /** Views and subscriptions start on first use, so a store that uses neither runs no thread for them. */
    private ViewManager views;
    private SubscriptionManager subscriptions;
    private ReplayManager replays;

    private EventStore(StoreEngine engine) {
        this.engine = engine;
    }

    /**
     * Opens (creating if needed) the store in {@code directory}, recovering it after a crash: a torn
     * last entry or incomplete last batch is truncated; a damaged entry anywhere else fails the open
     * with {@link CorruptLogException} unless {@link StoreOptions#repairCorruption()} is set. What
     * recovery did is in {@link #diagnostics()}.
     *
     * <pre>{@code
     * EventStore store = EventStore.open(Path.of("data"),
     *         StoreOptions.builder().durability(Durability.fsync()).build());
     * }</pre>
     *
     * @param directory the store's directory; only one store may have it open at a time
     * @param options options
     * @return the open store
     * @throws CorruptFileException if a file is damaged beyond a torn tail ({@link CorruptLogException}
     *     for a log segment)
     * @throws UnsupportedFormatException if a file is of a format version this build does not read
     * @throws StorageFailureException if the directory cannot be used (or is in use)
     */
    public static EventStore open(Path directory, StoreOptions options) {
        return new EventStore(StoreEngine.open(directory, options));
    }

    /** @return the engine, after checking the store is open */
    private StoreEngine engine() {
        engine.checkOpen();
        return engine;
    }

    /**
     * Appends a batch atomically: all events are stored, in order and at consecutive positions, or none
     * is. Expected versions are checked against the stream as it stands when the sequencer reaches the
     * batch (including earlier events of the same batch). An event whose client-supplied id is already
     * stored with the same content is not stored again: its original result is returned.
     *
     * <pre>{@code
     * store.appendAsync(List.of(opened, deposited))
     *      .thenAcceptAsync(results -> reply(results.getLast().position()));
     * }</pre>
     *
     * @param events 1 to {@link StoreOptions#maxBatchEvents()} events
     * @return completes with one result per event, in order, once the policy is met; or exceptionally
     *         with an {@link EventStoreException} ({@link InvalidEventException},
     *         {@link ConcurrencyConflictException}, {@link DuplicateEventIdException},
     *         {@link EntityDeletedException}, {@link StorageFailureException})
     */
    public CompletableFuture<List<AppendResult>> appendAsync(List<NewEvent> events) {
        try {
            StoreEngine e = engine();
            return e.sequencer().submit(e.validator().prepareBatch(events));
        } catch (EventStoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Blocking form of {@link #appendAsync(List)}.
     *
     * <pre>{@code
     * List<AppendResult> results = store.append(List.of(opened, deposited));
     * }</pre>
     *
     * @param events the batch
     * @return one result per event
     * @throws EventStoreException as listed for {@link #appendAsync(List)}
     */
    public List<AppendResult> append(List<NewEvent> events) {
        StoreEngine e = engine();
        // The caller blocks anyway, so it may do the writer's work itself (see Sequencer).
        return join(e.sequencer().submitInline(e.validator().prepareBatch(events)));
    }

    /**
     * Appends one event, blocking.
     *
     * <pre>{@code
     * AppendResult r = store.append(NewEvent.builder().eventType("account.opened").entityId("acct-1")
     *         .payload(payload).expectedVersion(ExpectedVersion.noStream()).build());
     * }</pre>
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
     * Runs a query; see {@link Query} for the filters. With no filter it reads the whole log in
     * position order (tombstones and the events they hide left out).
     *
     * <pre>{@code
     * QueryPage page = store.query(Query.builder().eventType("order.placed").limit(100).build());
     * }</pre>
     *
     * @param query the query
     * @return one page of matching events in position order
     * @throws InvalidEventException for a malformed cursor or event type
     */
    public QueryPage query(Query query) {
        return engine().queries().run(query);
    }

    /**
     * Runs a query and shows each result to {@code visitor} in place, through one {@link EventView}
     * that the store re-points from event to event over the mapped log: the same results, in the same
     * order, with the same cursor as {@link #query(Query)}, but no {@link StoredEvent} per event, so a
     * visitor that reads numbers and strings allocates nothing per event. The view is valid only during
     * each {@link EventVisitor#visit} call; copy out what must be kept (see {@link EventView}).
     *
     * <pre>{@code
     * Optional<String> next = store.query(Query.builder().entityId("acct-1").limit(100).build(),
     *         e -> { total.add(e.payload().getLong("amount", 0)); return true; });
     * }</pre>
     *
     * @param query the query
     * @param visitor sees each matching event, until the page is full or it returns {@code false}
     * @return the cursor of the next page (as {@link QueryPage#nextCursor()}), present when the query
     *         stopped before its last candidate
     * @throws InvalidEventException for a malformed cursor or event type
     */
    public Optional<String> query(Query query, EventVisitor visitor) {
        return engine().queries().run(query, Objects.requireNonNull(visitor, "visitor"));
    }

    /**
     * Looks an event up by its id.
     *
     * <pre>{@code
     * Optional<StoredEvent> e = store.get(UUID.fromString("0190f3a2-7c1e-7d41-9a55-3f0e2b7c9d10"));
     * }</pre>
     *
     * @param eventId an event id
     * @return the event, unless absent or its entity was tombstoned after it
     */
    public Optional<StoredEvent> get(UUID eventId) {
        return engine().queries().get(eventId);
    }

    /**
     * Folds the entity's payloads with JSON Merge Patch (RFC 7396), from its newest snapshot at or
     * before the point asked for.
     *
     * <pre>{@code
     * EntityState now = store.reconstruct("user-123", null);
     * EntityState lastYear = store.reconstruct("user-123", Instant.parse("2025-12-31T23:59:59Z"));
     * }</pre>
     *
     * @param entityId the entity
     * @param asOfOrNull fold only events with a timestamp at or before this; {@code null} for all
     * @return the state
     * @throws EntityNotFoundException if the entity has no event (at that time)
     * @throws EntityDeletedException if it was tombstoned and not re-created
     */
    public EntityState reconstruct(String entityId, Instant asOfOrNull) {
        return engine().states().reconstruct(entityId, asOfOrNull);
    }

    /**
     * The version to expect when appending to the entity next.
     *
     * <pre>{@code
     * long v = store.streamVersion("acct-1");
     * store.append(NewEvent.builder().eventType("money.withdrawn").entityId("acct-1").payload(payload)
     *         .expectedVersion(ExpectedVersion.exact(v)).build()); // conflicts if another append came first
     * }</pre>
     *
     * @param entityId the entity
     * @return its current visible stream version: 0 if it has no events or was tombstoned
     */
    public long streamVersion(String entityId) {
        return engine().queries().streamVersion(entityId);
    }

    /**
     * Takes and persists a snapshot of the entity's current state.
     *
     * <pre>{@code
     * Snapshot s = store.createSnapshot("user-123"); // later reconstructions start from it
     * }</pre>
     *
     * @param entityId the entity
     * @return the snapshot
     * @throws EntityNotFoundException if the entity has no event
     * @throws EntityDeletedException if it was tombstoned
     */
    public Snapshot createSnapshot(String entityId) {
        StoreEngine e = engine();
        return e.states().snapshot(entityId, e.lastPosition());
    }

    /**
     * The newest persisted snapshot of an entity's live stream, automatic
     * ({@link StoreOptions#snapshotEvery()}) or requested.
     *
     * <pre>{@code
     * long from = store.latestSnapshot("user-123").map(Snapshot::position).orElse(0L);
     * }</pre>
     *
     * @param entityId the entity
     * @return the snapshot, if there is one
     */
    public Optional<Snapshot> latestSnapshot(String entityId) {
        return engine().states().latestSnapshot(entityId);
    }

    /**
     * Deletes an entity by appending a tombstone; see the class documentation for what that hides.
     * Blocks until the tombstone is durable per the policy.
     *
     * <pre>{@code
     * long at = store.tombstone("user-123"); // store.streamVersion("user-123") is 0 from here on
     * }</pre>
     *
     * @param entityId the entity
     * @return the tombstone's position
     * @throws EntityNotFoundException if the entity has no events
     * @throws EntityDeletedException if it is already tombstoned
     */
    public long tombstone(String entityId) {
        StoreEngine e = engine();
        EventValidator.checkId("entity_id", entityId);
        return join(e.sequencer().tombstone(entityId));
    }

    /**
     * Counters describing the store.
     *
     * <pre>{@code
     * StoreStats s = store.stats();
     * double meanFsyncMicros = s.forces() == 0 ? 0 : s.forceNanos() / 1e3 / s.forces();
     * }</pre>
     *
     * @return the counters, read now
     */
    public StoreStats stats() {
        return engine().stats();
    }

    /**
     * Takes an online backup: every event up to the position visible now, copied into {@code target}
     * with a manifest of SHA-256 checksums, while appends go on. Run it again into the same directory
     * and it copies only what changed since (new segments, the active segment's prefix, the small
     * state files); a run interrupted at any point leaves the previous backup there intact.
     *
     * <p>What a backup holds: the log up to its position, the field dictionary, view definitions,
     * durable subscriptions' and consumer groups' state. Derived files (index checkpoint, snapshots,
     * projection checkpoints, view state) are rebuilt by the restored store when it first opens.
     *
     * <pre>{@code
     * BackupReport r = store.backup(Path.of("/backups/orders"), (done, total) -> bar.set(done, total));
     * log.info("backed up to position {}, {} bytes copied", r.manifest().position(), r.bytesCopied());
     * }</pre>
     *
     * @param target the backup directory: new, empty, or holding an earlier backup of this store
     * @param progress told the bytes copied so far, on this thread
     * @return what the run copied and the manifest it wrote
     * @throws StateConflictException if {@code target} holds other files and no backup
     * @throws StorageFailureException if a file cannot be read or written
     */
    public BackupReport backup(Path target, BackupProgress progress) {
        Path absolute = target.toAbsolutePath().normalize();
        if (absolute.startsWith(directory().toAbsolutePath().normalize())) {
            throw new StateConflictException("a backup cannot go inside the store's own directory");
        }
        return engine().backup(absolute, progress);
    }

    /**
     * Restores a backup into a new store directory, after checking every file of it against its
     * manifest's length and SHA-256 (nothing is written if one does not match). Open the restored
     * store with {@link #open}; it rebuilds its derived files on that first open.
     *
     * <pre>{@code
     * BackupManifest m = EventStore.restore(Path.of("/backups/orders"), Path.of("data"), BackupProgress.NONE);
     * }</pre>
     *
     * @param backup a backup directory written by {@link #backup}
     * @param directory the store directory to create: it must not exist, or be empty
     * @param progress told the bytes checked and copied so far (each byte counts twice)
     * @return the manifest of the restored backup
     * @throws CorruptFileException if the backup is incomplete or damaged (naming the file)
     * @throws StateConflictException if {@code directory} exists and is not empty
     */
    public static BackupManifest restore(Path backup, Path directory, BackupProgress progress) {
        return Restorer.restore(backup, directory, progress);
    }

    /**
     * What the store found and did inside: what recovery did on open, and the heap its indexes hold.
     *
     * <pre>{@code
     * RecoveryReport r = store.diagnostics().recovery();
     * log.info("replayed {} entries, truncated {} bytes", r.entriesReplayed(), r.bytesTruncated());
     * }</pre>
     *
     * @return the diagnostics, taken now
     */
    public StoreDiagnostics diagnostics() {
        return engine().diagnostics();
    }

    /**
     * The store's retention rules and its scavenge: rules expire events at once for every reader
     * (queries, {@link #get}, entity state, subscriptions); a scavenge reclaims their bytes later, in
     * the background, without changing the position of any event it keeps.
     *
     * <pre>{@code
     * store.retention().putRule(RetentionRule.builder("clicks-30d")
     *         .eventType("page.clicked").maxAge(Duration.ofDays(30)).build());
     * store.retention().startScavenge(0);
     * }</pre>
     *
     * @return the retention rules and scavenge of this store
     */
    public Retention retention() {
        return engine().retention();
    }

    /**
     * Sets the clock retention judges ages by (tests only; the default is the system clock).
     *
     * @param clock the clock
     */
    void retentionClock(Clock clock) {
        engine().retention().clock(clock);
    }

    /**
     * The store's persisted field dictionary: parse incoming JSON with it, or with a
     * {@linkplain FieldDictionary#draft() draft} of it, so that only stored events add names.
     *
     * <pre>{@code
     * Record payload = JsonCodec.defaults().parse(store.dictionary(), "{\"name\":\"Alice\"}");
     * }</pre>
     *
     * @return the dictionary
     */
    public FieldDictionary dictionary() {
        return engine.dictionary();
    }

    /**
     * Registers a projection and starts feeding it, from its persisted checkpoint if it has one.
     *
     * <pre>{@code
     * store.registerProjection(new OrderTotals(store.dictionary()));
     * }</pre>
     *
     * @param projection the projection
     * @throws InvalidEventException if its name is invalid
     * @throws StateConflictException if its name is already registered
     */
    public void registerProjection(Projection projection) {
        engine().projections().register(projection);
    }

    /**
     * Looks a projection up by name.
     *
     * <pre>{@code
     * Optional<Record> counts = store.projection("event_counters").flatMap(p -> p.state("order.placed"));
     * }</pre>
     *
     * @param name a projection name ({@code "entity_snapshots"}, {@code "event_counters"}, or a custom one)
     * @return the projection
     */
    public Optional<Projection> projection(String name) {
        return engine().projections().get(name);
    }

    /**
     * <pre>{@code
     * store.projectionNames().forEach(n -> System.out.println(n + " at " + store.projectionPosition(n)));
     * }</pre>
     *
     * @return names of all registered projections, sorted
     */
    public List<String> projectionNames() {
        return engine().projections().names();
    }

    /**
     * Resets a projection and feeds it again from position 1 (in the background).
     *
     * <pre>{@code
     * store.rebuildProjection("order_totals");
     * store.awaitProjections(Duration.ofMinutes(1));
     * }</pre>
     *
     * @param name the projection
     * @return whether a projection of that name exists
     */
    public boolean rebuildProjection(String name) {
        return engine().projections().rebuild(name);
    }

    /**
     * <pre>{@code
     * long lag = store.lastPosition() - store.projectionPosition("order_totals");
     * }</pre>
     *
     * @param name a projection
     * @return the last position it has applied, or -1 if there is no such projection
     */
    public long projectionPosition(String name) {
        return engine().projections().position(name);
    }

    /**
     * Waits until every projection has applied every event visible at the time of the call.
     *
     * <pre>{@code
     * store.append(event);
     * store.awaitProjections(Duration.ofSeconds(5)); // read-your-writes through the projections
     * }</pre>
     *
     * @param timeout longest wait
     * @throws TimeoutException if they did not catch up in time
     * @throws InterruptedException if interrupted
     */
    public void awaitProjections(Duration timeout) throws TimeoutException, InterruptedException {
        engine().projections().awaitCaughtUp(timeout);
    }

    /**
     * The store's incrementally maintained views; persisted views resume from their checkpoints when
     * this is first called after opening.
     *
     * <pre>{@code
     * View totals = store.views().register(ViewDefinition.fromJson(json), BackfillListener.NONE);
     * }</pre>
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
     * The store's replays: views and projections rebuilt in the background beside their live state,
     * which serves reads until the rebuilt one is swapped in. The history is kept in the store's
     * directory; replays a crash interrupted are reported failed when this is first called.
     *
     * <pre>{@code
     * ReplayProgress p = store.replays().start(ReplayRequest.projection("event_counters"));
     * store.replays().await(p.id(), Duration.ofMinutes(1));
     * }</pre>
     *
     * @return the replays
     */
    public synchronized Replays replays() {
        if (replays == null) {
            ViewManager viewManager = (ViewManager) views();
            replays = new ReplayManager(engine.committedLog(), engine.directory(), new ReplayManager.Targets() {
                @Override
                public ShadowState shadow(ReplayRequest.Target target, String name) {
                    return switch (target) {
                        case VIEW -> viewManager.shadow(name);
                        case PROJECTION -> engine().projections().shadow(name);
                    };
                }

                @Override
                public long firstPositionAtOrAfter(Instant time) {
                    return engine().firstPositionAtOrAfter(time);
                }
            });
        }
        return replays;
    }

    /**
     * The store's subscriptions (live, durable and consumer groups).
     *
     * <pre>{@code
     * Subscription s = store.subscriptions().subscribe(StartPosition.at(1), SubscriptionFilter.ALL,
     *         event -> System.out.println(event.position()));
     * }</pre>
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
     * The last position readers may see: every event up to it is acknowledged per the policy.
     *
     * <pre>{@code
     * QueryPage fresh = store.query(Query.builder().fromPosition(seen + 1).build());
     * }</pre>
     *
     * @return the last visible position; 0 when empty
     */
    public long lastPosition() {
        return engine.lastPosition();
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

    /** @return the engine, for the store's own packages and tests (not exported) */
    StoreEngine internals() {
        return engine;
    }

    /**
     * Waits for queued appends, forces the log (under every policy), checkpoints projections and
     * indexes, and releases the directory. Record views handed out become unreadable.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (replays != null) {
                replays.close(); // first: a replay feeds a view's or projection's shadow
            }
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
