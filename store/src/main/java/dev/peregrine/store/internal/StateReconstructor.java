package dev.peregrine.store.internal;

import dev.peregrine.record.MergePatch;
import dev.peregrine.record.MergePatchFold;
import dev.peregrine.record.Record;
import dev.peregrine.store.EntityDeletedException;
import dev.peregrine.store.EntityNotFoundException;
import dev.peregrine.store.EntityState;
import dev.peregrine.store.Snapshot;
import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.index.LongPagedList;
import dev.peregrine.store.log.LogSegment;
import dev.peregrine.store.log.SegmentedLog;

import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Folds an entity's payloads into its state with JSON Merge Patch (RFC 7396, {@link MergePatch}):
 * starting from the newest persisted snapshot at or before the requested point (and after the
 * entity's last tombstone), then applying each later payload in version order. Events the retention
 * rules expire, or a scavenge removed, are left out; an entity a rule may cover is folded from the
 * start of its live stream, since its snapshots would hold events that expire later. The payloads are folded
 * into one working state and encoded once ({@link MergePatchFold}), not into a record per event, and
 * straight from the mapped log: no record view, slice or location per event either.
 *
 * <p>Thread safety: any thread.
 */
public final class StateReconstructor {

    private final LogIndexes indexes;
    private final EventReader reader;
    private final SnapshotStore snapshots;
    private final LongSupplier visible;
    private final RetentionPolicy retention;

    /**
     * @param indexes the indexes
     * @param reader the log reader
     * @param snapshots persisted snapshots
     * @param visible supplies the visible position
     * @param retention hides expired and removed events
     */
    public StateReconstructor(LogIndexes indexes, EventReader reader, SnapshotStore snapshots, LongSupplier visible,
                              RetentionPolicy retention) {
        this.indexes = indexes;
        this.reader = reader;
        this.snapshots = snapshots;
        this.visible = visible;
        this.retention = retention;
    }

    /**
     * @param entityId the entity
     * @param asOf the time-travel point, or null for now
     * @return the state
     * @throws EntityNotFoundException if the entity has no live event at that point
     * @throws EntityDeletedException if it has none because it was tombstoned (and asOf is null)
     */
    public EntityState reconstruct(String entityId, Instant asOf) {
        return fold(entityId, asOf, visible.getAsLong());
    }

    /**
     * Folds the state up to {@code maxPosition} and persists it as a snapshot, unless a retention rule
     * may expire events of the entity: such a state changes as events expire, so it is returned but
     * not kept (and never read back: {@link #fold} folds those entities from their retained events).
     *
     * @param entityId the entity
     * @param maxPosition the last position to include
     * @return the snapshot
     */
    public Snapshot snapshot(String entityId, long maxPosition) {
        EntityState state = fold(entityId, null, maxPosition);
        Snapshot snapshot = new Snapshot(entityId, state.state(), state.eventCount(), state.lastPosition(),
                state.lastUpdated());
        if (!retention.mayAffect(entityId)) {
            snapshots.save(snapshot, reader.msb(state.lastPosition()), reader.lsb(state.lastPosition()));
        }
        return snapshot;
    }

    /**
     * @param entityId the entity
     * @return the newest persisted snapshot of its live stream
     */
    public Optional<Snapshot> latestSnapshot(String entityId) {
        long max = visible.getAsLong();
        EntityStream stream = indexes.stream(entityId);
        if (stream == null || retention.mayAffect(entityId)) { // see snapshot(): such states are not kept
            return Optional.empty();
        }
        long range = stream.liveRange(max);
        int from = (int) (range >>> 32);
        int to = (int) range;
        if (from == to) {
            return Optional.empty();
        }
        return snapshots.newest(entityId, stream.positions().get(from), stream.positions().get(to - 1));
    }

    private EntityState fold(String entityId, Instant asOf, long max) {
        EntityStream stream = indexes.stream(entityId);
        if (stream == null) {
            throw new EntityNotFoundException(entityId);
        }
        LongPagedList positions = stream.positions();
        long range = stream.liveRange(max);
        int from = (int) (range >>> 32);
        int to = (int) range;
        if (asOf != null) {
            to = TimeSearch.firstAfter(reader, positions, from, to, TimeSearch.nanos(asOf), true);
        }
        if (from == to) {
            long tomb = stream.lastTombstone(max);
            if (tomb != 0 && asOf == null) {
                throw new EntityDeletedException(entityId, tomb);
            }
            throw new EntityNotFoundException(entityId);
        }
        // Snapshots are folds of every event; an entity a rule may thin out is folded from its retained
        // events instead (a snapshot that covers a removed event is never kept, see SnapshotStore.forget).
        Optional<Snapshot> snap = retention.mayAffect(entityId) ? Optional.empty()
                : snapshots.newest(entityId, positions.get(from), positions.get(to - 1));
        Record state = Record.empty(reader.dictionary());
        int start = from;
        long count = 0;
        long last = 0;
        if (snap.isPresent()) {
            state = snap.get().state();
            start = positions.upperBound(snap.get().position(), to);
            count = snap.get().version();
            last = snap.get().position();
        }
        SegmentedLog log = reader.log();
        MergePatchFold fold = MergePatch.fold(state);
        for (int i = start; i < to; i++) {
            long p = positions.get(i);
            LogSegment s = log.segmentFor(p);
            long off = s.offsetOf(p);
            if (retention.hides(s, off, p, max)) {
                continue;
            }
            EventReader.foldPayload(fold, s, off);
            count++;
            last = p;
        }
        if (last == 0) {
            throw new EntityNotFoundException(entityId); // every live event expired or removed
        }
        return new EntityState(entityId, fold.result(), count, Instant.ofEpochSecond(0, reader.timestamp(last)), last,
                Optional.ofNullable(asOf));
    }
}
