package dev.peregrine.store.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.EntityState;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Projection;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.Snapshot;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoreStats;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.log.EntryDescriptor;
import dev.peregrine.store.log.LogLoader;
import dev.peregrine.store.log.LogSegment;
import dev.peregrine.store.log.SegmentedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Wires the engine together on open, in order: lock the directory, load the field dictionary,
 * recover the log ({@link LogLoader}), load the index checkpoint and replay the log after it, open the
 * snapshots, start the sequencer and the projection runner. Closing reverses it and leaves a fresh
 * index checkpoint behind.
 *
 * <p>Directory layout: {@code LOCK}, {@code log/<position>.seg}, {@code fields.dict},
 * {@code index.ckpt}, {@code snapshots.dat}, {@code projections/<name>.ckpt}.
 *
 * <p>Thread safety: every public method may be called from any thread; {@link #close()} once.
 */
public final class StoreEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreEngine.class);

    private final Path directory;
    private final StoreOptions options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final DictionaryFile dictionary;
    private final SegmentedLog log;
    private final EventReader reader;
    private final LogIndexes indexes;
    private final SnapshotStore snapshots;
    private final Sequencer sequencer;
    private final EventValidator validator;
    private final QueryExecutor queries;
    private final StateReconstructor states;
    private final CommittedLog committedLog;
    private final ProjectionRunner projections;
    private final ExecutorService snapshotWorker;
    private final List<String> recoveryActions;
    private volatile boolean closed;

    private StoreEngine(Path directory, StoreOptions options) {
        this.directory = directory;
        this.options = options;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageFailureException("cannot open store directory", directory, e);
        }
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(lockChannel);
        try {
            lock = acquireLock(directory, lockChannel);
            dictionary = DictionaryFile.open(directory.resolve("fields.dict"), options.repairCorruption());
            opened.add(dictionary);
            LogLoader.Result recovered = LogLoader.load(directory.resolve("log"), options.repairCorruption());
            log = new SegmentedLog(directory.resolve("log"), options.segmentBytes(), recovered.segments());
            opened.add(log);
            long last = recovered.lastPosition();
            if (last > 0) {
                LogSegment tail = log.segmentFor(last);
                dictionary.requireAtLeast(directory.resolve("fields.dict"), tail.dictionarySizeAt(tail.offsetOf(last)));
            }
            reader = new EventReader(log, dictionary.dictionary());
            indexes = new LogIndexes(reader);
            long covered = IndexCheckpoint.load(directory.resolve("index.ckpt"), indexes, last, reader);
            replay(covered + 1, last);
            LOG.info("opened store {}: {} events in {} segments; indexes loaded to position {}, replayed {} entries",
                    directory, last, log.segments().length, covered, last - covered);
            recoveryActions = recovered.actions();
            snapshots = SnapshotStore.open(directory.resolve("snapshots.dat"), options.repairCorruption(),
                    dictionary.dictionary(), (entity, position, msb, lsb) -> position <= last
                            && reader.msb(position) == msb && reader.lsb(position) == lsb);
            opened.add(snapshots);
            snapshotWorker = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("peregrine-snapshots")
                    .daemon(true).unstarted(r));
            sequencer = new Sequencer(log, indexes, reader, dictionary, options.durability(), options.snapshotEvery(),
                    this::snapshotDue, last, last == 0 ? 0 : reader.timestamp(last));
            validator = new EventValidator(dictionary.dictionary(), options);
            queries = new QueryExecutor(indexes, reader, sequencer::visiblePosition, options.maxQueryLimit());
            states = new StateReconstructor(indexes, reader, snapshots, sequencer::visiblePosition);
            committedLog = new VisibleLog(sequencer, reader);
            projections = new ProjectionRunner(directory.resolve("projections"), reader, committedLog,
                    options.followerCheckpointEvery());
            sequencer.start();
            if (options.builtInProjections()) {
                projections.register(BuiltInProjections.entitySnapshots(dictionary.dictionary()));
                projections.register(BuiltInProjections.eventCounters(dictionary.dictionary()));
            }
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * @param directory the store directory
     * @param options options
     * @return the open engine
     */
    public static StoreEngine open(Path directory, StoreOptions options) {
        return new StoreEngine(directory, options);
    }

    private static FileLock acquireLock(Path directory, FileChannel channel) {
        try {
            FileLock l = channel.tryLock();
            if (l == null) {
                throw new StorageFailureException("the store directory is in use by another process", directory, null);
            }
            return l;
        } catch (OverlappingFileLockException e) {
            throw new StorageFailureException("the store directory is already open in this process", directory, e);
        } catch (IOException e) {
            throw new StorageFailureException("cannot lock the store directory", directory, e);
        }
    }

    /** Rebuilds the indexes for positions the checkpoint did not cover. */
    private void replay(long from, long to) {
        for (long p = from; p <= to; p++) {
            LogSegment s = log.segmentFor(p);
            long off = s.offsetOf(p);
            if (s.kindAt(off) == EntryDescriptor.KIND_TOMBSTONE) {
                indexes.addTombstone(p, reader.entityId(p));
            } else {
                indexes.addEvent(p, reader.entityId(p), reader.eventType(p), s.idMsbAt(off), s.idLsbAt(off));
            }
        }
    }

    private void snapshotDue(String entityId, long position) {
        snapshotWorker.execute(() -> {
            try {
                states.snapshot(entityId, position);
            } catch (EventStoreException e) {
                LOG.debug("automatic snapshot of {} at {} skipped: {}", entityId, position, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("automatic snapshot of {} at {} failed", entityId, position, e);
            }
        });
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageFailureException("the store is closed", directory, null, StorageFailureException.Outcome.NOT_WRITTEN);
        }
    }

    /**
     * @param events the batch
     * @return the results future
     */
    public CompletableFuture<List<AppendResult>> appendAsync(List<NewEvent> events) {
        try {
            checkOpen();
            if (events == null || events.isEmpty()) {
                throw new InvalidEventException("events", "a batch must hold at least one event");
            }
            if (events.size() > options.maxBatchEvents()) {
                throw new InvalidEventException("events", "a batch holds at most " + options.maxBatchEvents()
                        + " events, got " + events.size());
            }
            List<PreparedEvent> prepared = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                NewEvent e = events.get(i);
                if (e == null) {
                    throw new InvalidEventException("events", "event " + i + " is null");
                }
                try {
                    prepared.add(validator.prepare(e));
                } catch (InvalidEventException invalid) {
                    throw invalid.atIndex(i); // the caller can then point at the event in its request
                }
            }
            return sequencer.submit(prepared);
        } catch (EventStoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @param q query @return page */
    public QueryPage query(Query q) {
        checkOpen();
        return queries.run(q);
    }

    /** @param id event id @return the event if visible and not tombstoned */
    public Optional<StoredEvent> get(UUID id) {
        checkOpen();
        long max = sequencer.visiblePosition();
        long position = indexes.ids().find(id.getMostSignificantBits(), id.getLeastSignificantBits(), max);
        if (position == 0) {
            return Optional.empty();
        }
        StoredEvent event = reader.read(position);
        EntityStream stream = indexes.stream(event.entityId());
        if (stream != null && stream.lastTombstone(max) > position) {
            return Optional.empty();
        }
        return Optional.of(event);
    }

    /** @param entityId entity @param asOf point or null @return state */
    public EntityState reconstruct(String entityId, Instant asOf) {
        checkOpen();
        return states.reconstruct(entityId, asOf);
    }

    /** @param entityId entity @return visible version */
    public long streamVersion(String entityId) {
        checkOpen();
        EntityStream stream = indexes.stream(entityId);
        return stream == null ? 0 : stream.visibleVersion(sequencer.visiblePosition());
    }

    /** @param entityId entity @return new snapshot */
    public Snapshot createSnapshot(String entityId) {
        checkOpen();
        return states.snapshot(entityId, sequencer.visiblePosition());
    }

    /** @param entityId entity @return newest snapshot */
    public Optional<Snapshot> latestSnapshot(String entityId) {
        checkOpen();
        return states.latestSnapshot(entityId);
    }

    /** @param entityId entity @return tombstone position future */
    public CompletableFuture<Long> tombstone(String entityId) {
        checkOpen();
        EventValidator.checkId("entity_id", entityId);
        return sequencer.tombstone(entityId);
    }

    /** @return stats */
    public StoreStats stats() {
        checkOpen();
        LogSegment[] segments = log.segments();
        long bytes = log.bytesOnDisk() + dictionary.bytesOnDisk() + snapshots.bytesOnDisk();
        return new StoreStats(indexes.eventCount(), indexes.entities().size(), indexes.types().size(),
                sequencer.ingested(), bytes, segments.length, sequencer.visiblePosition(),
                sequencer.forces(), sequencer.forceNanos());
    }

    /** @return the dictionary */
    public FieldDictionary dictionary() {
        return dictionary.dictionary();
    }

    /** @return the projection runner */
    public ProjectionRunner projections() {
        checkOpen();
        return projections;
    }

    /** @param projection projection to register */
    public void registerProjection(Projection projection) {
        checkOpen();
        projections.register(projection);
    }

    /**
     * @param timeout longest wait
     * @throws TimeoutException if not caught up in time
     * @throws InterruptedException if interrupted
     */
    public void awaitProjections(Duration timeout) throws TimeoutException, InterruptedException {
        checkOpen();
        projections.awaitCaughtUp(timeout);
    }

    /** @return last visible position */
    public long lastPosition() {
        return sequencer.visiblePosition();
    }

    /**
     * @param position first position
     * @param maxEvents most entries
     * @return entries in position order, tombstones included
     */
    public List<StoredEvent> readFrom(long position, int maxEvents) {
        checkOpen();
        if (position < 1) {
            throw new InvalidEventException("position", "must be >= 1, got " + position);
        }
        if (maxEvents < 1) {
            throw new InvalidEventException("max_events", "must be >= 1, got " + maxEvents);
        }
        long end = Math.min(sequencer.visiblePosition(), position + maxEvents - 1);
        List<StoredEvent> out = new ArrayList<>((int) Math.max(0, end - position + 1));
        for (long p = position; p <= end; p++) {
            out.add(reader.read(p));
        }
        return out;
    }

    /** @return the log up to the visible position, for the readers that follow it */
    public CommittedLog committedLog() {
        return committedLog;
    }

    /** @param listener commit listener */
    public void addCommitListener(LongConsumer listener) {
        sequencer.addListener(listener);
    }

    /** @param listener commit listener */
    public void removeCommitListener(LongConsumer listener) {
        sequencer.removeListener(listener);
    }

    /** @return what recovery did on open */
    public List<String> recoveryActions() {
        return recoveryActions;
    }

    /** @return heap bytes of the secondary indexes and offset indexes (approximate, for measurement) */
    public long indexHeapBytes() {
        long bytes = indexes.heapBytes();
        for (LogSegment s : log.segments()) {
            bytes += s.offsetIndexHeapBytes();
        }
        return bytes;
    }

    /** @return the directory */
    public Path directory() {
        return directory;
    }

    /** @return the options */
    public StoreOptions options() {
        return options;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true; // new calls fail from here on; queued appends still complete below
        sequencer.stop();
        projections.close();
        snapshotWorker.shutdown();
        try {
            if (!snapshotWorker.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("snapshot worker did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            snapshots.force();
            Path checkpoint = directory.resolve("index.ckpt");
            if (sequencer.failed()) {
                // The indexes may hold positions whose bytes never reached the log: the next open
                // rebuilds them from the log instead.
                AtomicFile.delete(checkpoint);
            } else {
                saveCheckpoint(checkpoint);
            }
        } finally {
            snapshots.close();
            dictionary.close();
            log.close();
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                LOG.warn("cannot release the lock of {}", directory, e);
            }
        }
    }

    /**
     * The checkpoint only saves the next open a replay: failing to write it (a full disk) must not
     * fail the close. The previous checkpoint, if any, is intact (it is replaced atomically) and the
     * next open replays the log after it.
     */
    private void saveCheckpoint(Path checkpoint) {
        try {
            IndexCheckpoint.save(checkpoint, indexes, sequencer.visiblePosition(), reader);
        } catch (StorageFailureException e) {
            LOG.warn("index checkpoint not saved, the next open replays more of the log: {}", e.getMessage());
        }
    }
}
