package dev.peregrine.store.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.RecoveryReport;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.backup.BackupProgress;
import dev.peregrine.store.backup.BackupReport;
import dev.peregrine.store.backup.internal.BackupCut;
import dev.peregrine.store.backup.internal.BackupWriter;
import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LongPagedList;
import dev.peregrine.store.index.MappedIndexMemory;
import dev.peregrine.store.StoreDiagnostics;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoreStats;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.log.EntryDescriptor;
import dev.peregrine.store.log.FreeSpaceWatermark;
import dev.peregrine.store.log.LogLoader;
import dev.peregrine.store.log.LogSegment;
import dev.peregrine.store.log.SegmentHeaderDescriptor;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The parts of an open store and their lifetime. Opening wires them together, in order: lock the
 * directory, load the field dictionary, recover the log ({@link LogLoader}), load the index
 * checkpoint and replay the log after it, open the snapshots, start the sequencer and the projection
 * runner. Closing reverses it and leaves a fresh index checkpoint behind. The operations of the
 * store are {@link dev.peregrine.store.EventStore}'s, which calls the parts handed out here; this
 * class has none of its own beyond the counters that span every part ({@link #stats()},
 * {@link #diagnostics()}).
 *
 * <p>Directory layout: {@code LOCK}, {@code log/<position>.seg}, {@code fields.dict},
 * {@code index.ckpt}, {@code snapshots.dat}, {@code projections/<name>.ckpt},
 * {@code retention/retention.rules}.
 *
 * <p>Thread safety: every public method may be called from any thread; {@link #close()} once. The
 * parts state their own.
 */
public final class StoreEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreEngine.class);
    private static final String DICTIONARY_FILE = "fields.dict";

    private final Path directory;
    private final StoreOptions options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final DictionaryFile dictionary;
    /** Where the indexes keep their numbers: mapped scratch files, off the heap. */
    private final MappedIndexMemory indexMemory;
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
    private final AutoSnapshots autoSnapshots;
    private final RetentionManager retention;
    private final ResidentSetTrimmer residentSet;
    /**
     * Held for reading by a backup while it copies segment files by path, for writing by a scavenge
     * while it renames a rewritten segment over one: a backup never copies half of each.
     */
    private final ReentrantReadWriteLock segmentFiles = new ReentrantReadWriteLock();
    /** Events in the log when it was opened (for {@link StoreStats#ingestedSinceStart()}). */
    private final long eventsAtOpen;
    private final RecoveryReport recovery;
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
            dictionary = DictionaryFile.open(directory.resolve(DICTIONARY_FILE), options.repairCorruption(),
                    options.maxFieldNames());
            opened.add(dictionary);
            indexMemory = new MappedIndexMemory(directory);
            LogLoader.Result recovered = LogLoader.load(directory.resolve("log"), options.repairCorruption(),
                    indexMemory);
            log = new SegmentedLog(directory.resolve("log"), options.segmentBytes(), recovered.segments(), indexMemory);
            opened.add(log);
            long last = recovered.lastPosition();
            if (last > 0) {
                LogSegment tail = log.segmentFor(last);
                dictionary.requireAtLeast(directory.resolve(DICTIONARY_FILE), tail.dictionarySizeAt(tail.offsetOf(last)));
            }
            reader = new EventReader(log, dictionary.dictionary());
            indexes = new LogIndexes(reader, indexMemory);
            long covered = IndexCheckpoint.load(directory.resolve("index.ckpt"), indexes, last, reader);
            replay(covered + 1, last);
            LOG.info("opened store {}: {} events in {} segments; indexes loaded to position {}, replayed {} entries",
                    directory, last, log.segments().length, covered, last - covered);
            recovery = recovered.report(last - covered);
            boolean rewritten = Arrays.stream(log.segments())
                    .anyMatch(s -> s.formatVersion() == SegmentHeaderDescriptor.REWRITTEN_VERSION);
            Map<String, Long> firstRemoved = new HashMap<>(); // per entity, found once: one pass over its stream
            snapshots = SnapshotStore.open(directory.resolve("snapshots.dat"), options.repairCorruption(),
                    dictionary.dictionary(), (entity, position, msb, lsb) -> position <= last
                            && reader.msb(position) == msb && reader.lsb(position) == lsb
                            && !(rewritten && firstRemoved.computeIfAbsent(entity, this::firstRemoved) <= position));
            opened.add(snapshots);
            RetentionPolicy policy = new RetentionPolicy(indexes, reader,
                    RetentionRulesFile.read(RetentionManager.rulesFile(directory)));
            states = new StateReconstructor(indexes, reader, snapshots, this::lastPosition, policy);
            autoSnapshots = new AutoSnapshots(options.snapshotEvery(), states);
            opened.add(autoSnapshots);
            eventsAtOpen = indexes.eventCount();
            RequestChecks checks = new RequestChecks(indexes, reader,
                    options.segmentBytes() - SegmentHeaderDescriptor.HEADER_LENGTH);
            RequestWriter writer = new RequestWriter(log, indexes, dictionary, autoSnapshots,
                    new FreeSpaceWatermark(directory, options.minFreeBytes(), options.segmentBytes()),
                    last == 0 ? 0 : reader.timestamp(last));
            sequencer = new Sequencer(log, checks, writer, ForcePolicy.of(options.durability()), last);
            validator = new EventValidator(dictionary.dictionary(), options);
            queries = new QueryExecutor(indexes, reader, sequencer::visiblePosition, options.maxQueryLimit(), policy);
            committedLog = new VisibleLog(sequencer, reader, policy, indexes);
            retention = new RetentionManager(directory, log, reader, policy, snapshots, sequencer::visiblePosition,
                    segmentFiles.writeLock());
            opened.add(retention);
            projections = new ProjectionRunner(directory.resolve("projections"), reader, committedLog,
                    options.followerCheckpointEvery());
            residentSet = new ResidentSetTrimmer(log, indexMemory, options.releaseResidentEvery());
            opened.add(residentSet);
            sequencer.addListener(autoSnapshots);
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

    /**
     * @return the position of the entity's first event a scavenge removed, or {@code Long.MAX_VALUE}:
     *         a snapshot at or after it may hold that event and is not kept
     */
    private long firstRemoved(String entityId) {
        EntityStream stream = indexes.stream(entityId);
        if (stream == null) {
            return Long.MAX_VALUE;
        }
        LongPagedList positions = stream.positions();
        for (int i = 0; i < positions.size(); i++) {
            long p = positions.get(i);
            LogSegment s = log.segmentFor(p);
            if (s.kindAt(s.offsetOf(p)) == EntryDescriptor.KIND_REMOVED) {
                return p;
            }
        }
        return Long.MAX_VALUE;
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

    /**
     * @throws StorageFailureException with outcome {@code NOT_WRITTEN} once the store is closed
     */
    public void checkOpen() {
        if (closed) {
            throw new StorageFailureException("the store is closed", directory, null, StorageFailureException.Outcome.NOT_WRITTEN);
        }
    }

    /** @return the single writer: appends, tombstones, the visible position, commit listeners */
    public Sequencer sequencer() {
        return sequencer;
    }

    /** @return validates and encodes events before they are queued */
    public EventValidator validator() {
        return validator;
    }

    /** @return runs queries and lookups by id */
    public QueryExecutor queries() {
        return queries;
    }

    /** @return state reconstruction and snapshots */
    public StateReconstructor states() {
        return states;
    }

    /** @return the projections */
    public ProjectionRunner projections() {
        return projections;
    }

    /** @return reads entries of the log; read only positions up to {@link #lastPosition()} */
    public EventReader reader() {
        return reader;
    }

    /** @return the last visible position */
    public long lastPosition() {
        return sequencer.visiblePosition();
    }

    /**
     * @param time a time
     * @return the first visible position whose entry is at or after it; one past the last when none is
     */
    public long firstPositionAtOrAfter(java.time.Instant time) {
        long last = sequencer.visiblePosition();
        return TimeSearch.firstAfter(reader, 1, last + 1, TimeSearch.nanos(time), false);
    }

    /** @return the store's persisted field dictionary */
    public FieldDictionary dictionary() {
        return dictionary.dictionary();
    }

    /** @return the counters of {@link dev.peregrine.store.EventStore#stats()} */
    public StoreStats stats() {
        LogSegment[] segments = log.segments();
        long logUsed = Arrays.stream(log.usedBytes(sequencer.visiblePosition())).sum();
        long bytes = logUsed + dictionary.bytesOnDisk() + snapshots.bytesOnDisk();
        return new StoreStats(indexes.eventCount(), indexes.entities().size(), indexes.types().size(),
                indexes.eventCount() - eventsAtOpen, bytes, segments.length, sequencer.visiblePosition(),
                log.forces(), log.forceNanos(), dictionary.dictionary().size(),
                logUsed, log.lastForceMillis(), !closed && !sequencer.failed());
    }

    /** @return the log up to the visible position, for the readers that follow it */
    public CommittedLog committedLog() {
        return committedLog;
    }

    /**
     * Takes a consistent cut of the store and copies it ({@link dev.peregrine.store.EventStore#backup}),
     * with no scavenge renaming a segment file meanwhile.
     *
     * @param target the backup directory
     * @param progress told the bytes copied
     * @return what the backup did
     */
    public BackupReport backup(Path target, BackupProgress progress) {
        checkOpen();
        segmentFiles.readLock().lock();
        try {
            BackupCut cut = BackupCut.take(directory, log, sequencer::visiblePosition, dictionary::bytesOnDisk,
                    DICTIONARY_FILE);
            return BackupWriter.write(cut, target, progress);
        } finally {
            segmentFiles.readLock().unlock();
        }
    }

    /** @return the retention rules and the scavenge */
    public RetentionManager retention() {
        return retention;
    }

    /** @return the diagnostics of {@link dev.peregrine.store.EventStore#diagnostics()} */
    public StoreDiagnostics diagnostics() {
        long heap = indexes.heapBytes();
        for (LogSegment s : log.segments()) {
            heap += s.offsetIndexHeapBytes();
        }
        return new StoreDiagnostics(heap, indexMemory.mappedBytes(), recovery);
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
        retention.close(); // a running scavenge discards the copy in hand; the log keeps the original
        residentSet.close();
        sequencer.stop();
        projections.close();
        autoSnapshots.close();
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
