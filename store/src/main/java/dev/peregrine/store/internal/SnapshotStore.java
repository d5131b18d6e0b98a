package dev.peregrine.store.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.Snapshot;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.framing.RecordFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Persisted entity snapshots, appended to {@code snapshots.dat} (a {@link RecordFile} of format
 * {@link #FORMAT}), with an in-memory map entity → (position, file offset) sorted by position.
 * Snapshot states are read back from the file on demand, so only a few longs per snapshot stay on
 * the heap.
 *
 * <p>Record body (little-endian): {@code u64 position, u64 version, u64 timestamp nanos, u64 event-id
 * msb, u64 event-id lsb, u16 entity-id length, entity id UTF-8, state record bytes (to the end)}. The
 * event id is that of the entry at {@code position}; on open a snapshot is kept only if the log still
 * holds that very entry there (a log truncated by recovery or repair invalidates later snapshots).
 *
 * <p>Snapshots are derived data: a damaged file is moved aside ({@code snapshots.dat.corrupt-<millis>})
 * and the store continues without snapshots; a file of a version this build does not read (the
 * previous release's layout, version 1, among them) is deleted with a warning, and new snapshots are
 * taken as streams grow. They are not forced on every write (a lost one only makes reconstruction
 * slower) and are forced on close.
 *
 * <p>Thread safety: thread-safe.
 */
public final class SnapshotStore implements AutoCloseable {

    /** Decides on open whether a stored snapshot still matches the log. */
    @FunctionalInterface
    public interface Validator {
        /**
         * @param entityId snapshot entity
         * @param position snapshot position
         * @param msb id high bits of the entry it was taken at
         * @param lsb id low bits
         * @return whether the log still holds that entry at that position
         */
        boolean valid(String entityId, long position, long msb, long lsb);
    }

    /** {@code snapshots.dat}: version 2 is this framing; the previous release's (version 1) is discarded. */
    public static final FileFormat FORMAT = FileFormat.of("snapshots", 2, "PRGNSNAP");

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final int FIXED = 8 * 5 + 2;

    private final RecordFile file;
    private final FieldDictionary dictionary;
    private final ConcurrentHashMap<String, Refs> byEntity = new ConcurrentHashMap<>();

    /** Sorted (position, offset) pairs of one entity. Guarded by its own monitor. */
    private static final class Refs {
        private long[] positions = new long[2];
        private long[] offsets = new long[2];
        private int count;

        synchronized void add(long position, long offset) {
            if (count == positions.length) {
                positions = Arrays.copyOf(positions, count * 2);
                offsets = Arrays.copyOf(offsets, count * 2);
            }
            int at = count;
            while (at > 0 && positions[at - 1] > position) { // keep sorted; arrivals are almost always in order
                positions[at] = positions[at - 1];
                offsets[at] = offsets[at - 1];
                at--;
            }
            positions[at] = position;
            offsets[at] = offset;
            count++;
        }

        /** @return the offset of the newest snapshot with {@code min <= position <= max}, or -1 */
        synchronized long newest(long min, long max) {
            for (int i = count - 1; i >= 0; i--) {
                if (positions[i] <= max) {
                    return positions[i] >= min ? offsets[i] : -1;
                }
            }
            return -1;
        }
    }

    private SnapshotStore(RecordFile file, FieldDictionary dictionary) {
        this.file = file;
        this.dictionary = dictionary;
    }

    /**
     * @param path the snapshot file
     * @param repair truncate damage instead of failing
     * @param dictionary the store's dictionary
     * @param validator decides which stored snapshots still match the log
     * @return the open store
     */
    public static SnapshotStore open(Path path, boolean repair, FieldDictionary dictionary, Validator validator) {
        try {
            return load(path, repair, dictionary, validator);
        } catch (UnsupportedFormatException e) {
            LOG.warn("discarding the snapshot file: {}; snapshots are taken again as streams grow", e.getMessage());
            try {
                Files.delete(path);
            } catch (IOException io) {
                throw new StorageFailureException("cannot delete the unreadable snapshot file", path, io);
            }
            return load(path, repair, dictionary, validator);
        } catch (CorruptFileException e) {
            // Snapshots are derived from the log: a damaged file costs speed, never data. Keep it aside
            // for inspection and start an empty one.
            Path aside = path.resolveSibling(path.getFileName() + ".corrupt-" + System.currentTimeMillis());
            LOG.warn("snapshot file is damaged ({}); moved to {} and starting without snapshots", e.getMessage(), aside);
            try {
                Files.move(path, aside);
            } catch (IOException io) {
                throw new StorageFailureException("cannot move damaged snapshot file aside", path, io);
            }
            return load(path, repair, dictionary, validator);
        }
    }

    private static SnapshotStore load(Path path, boolean repair, FieldDictionary dictionary, Validator validator) {
        ConcurrentHashMap<String, Refs> loaded = new ConcurrentHashMap<>();
        RecordFile file = RecordFile.open(path, FORMAT, repair, (offset, in) -> {
            long position = in.getLong();
            in.getLong();
            in.getLong();
            long msb = in.getLong();
            long lsb = in.getLong();
            String entity = in.getShortString();
            if (validator.valid(entity, position, msb, lsb)) {
                loaded.computeIfAbsent(entity, k -> new Refs()).add(position, offset);
            }
        });
        SnapshotStore store = new SnapshotStore(file, dictionary);
        store.byEntity.putAll(loaded);
        return store;
    }

    /**
     * Persists a snapshot (not forced).
     *
     * @param snapshot the snapshot
     * @param msb id high bits of the entry at its position
     * @param lsb id low bits
     */
    public void save(Snapshot snapshot, long msb, long lsb) {
        byte[] entity = snapshot.entityId().getBytes(StandardCharsets.UTF_8);
        byte[] state = snapshot.state().toByteArray();
        ByteBuffer body = ByteBuffer.allocate(FIXED + entity.length + state.length).order(ByteOrder.LITTLE_ENDIAN);
        Instant t = snapshot.timestamp();
        body.putLong(snapshot.position()).putLong(snapshot.version())
                .putLong(t.getEpochSecond() * 1_000_000_000L + t.getNano()).putLong(msb).putLong(lsb)
                .putShort((short) entity.length).put(entity).put(state);
        long offset = file.append(body.array());
        byEntity.computeIfAbsent(snapshot.entityId(), k -> new Refs()).add(snapshot.position(), offset);
    }

    /**
     * @param entityId the entity
     * @param minPosition lowest acceptable position (the first live event of the stream)
     * @param maxPosition highest acceptable position
     * @return the newest snapshot in that range
     */
    public Optional<Snapshot> newest(String entityId, long minPosition, long maxPosition) {
        Refs refs = byEntity.get(entityId);
        long offset = refs == null ? -1 : refs.newest(minPosition, maxPosition);
        if (offset < 0) {
            return Optional.empty();
        }
        FileBody in = file.read(offset);
        long position = in.getLong();
        long version = in.getLong();
        long timestamp = in.getLong();
        in.getLong();
        in.getLong();
        String entity = in.getShortString();
        byte[] state = in.rest();
        return Optional.of(new Snapshot(entity, Record.wrap(dictionary, state), version, position,
                Instant.ofEpochSecond(0, timestamp)));
    }

    /**
     * Forgets every snapshot of an entity (a scavenge removed some of its events, which they may hold).
     * Only in memory: on the next open the validator drops the stored ones that cover a removed event.
     *
     * @param entityId the entity
     */
    public void forget(String entityId) {
        byEntity.remove(entityId);
    }

    /** @return bytes of the file */
    public long bytesOnDisk() {
        return file.size();
    }

    /** Forces written snapshots. */
    public void force() {
        file.force();
    }

    @Override
    public void close() {
        file.close();
    }
}
