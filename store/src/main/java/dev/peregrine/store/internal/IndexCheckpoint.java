package dev.peregrine.store.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.index.LongPagedList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Persists the secondary indexes ({@link LogIndexes}) to {@code index.ckpt} (an {@link AtomicFile} of format
 * {@link #FORMAT}) on close, so that the next open loads them and replays only the log entries written after. The
 * segments' offset indexes are not stored: recovery rebuilds them anyway while it verifies every
 * entry's CRC.
 *
 * <p>Body (little-endian): {@code u64 last position, u64 id msb, u64 id lsb} of the entry at that
 * position (so a checkpoint that no longer matches the log is detected), {@code u64 event count};
 * {@code u32 entity count}, per entity {@code string id, u64 writer version, u32 n, n × u64 positions,
 * u32 t, t × u64 tombstone positions}; {@code u32 type count}, per type {@code string, u32 n, n × u64};
 * {@code u32 id table length, u32 ids, table × u64} (the slots of {@link dev.peregrine.store.index.EventIdIndex}:
 * position and tag). Strings are {@code u32 length + UTF-8}.
 *
 * <p>No checksum of its own is needed beyond the file footer: a damaged or stale checkpoint is simply
 * ignored and the indexes are rebuilt from the log, which is the source of truth. So is a checkpoint
 * of a version this build does not read, the earlier versions 1 and 2 among them.
 *
 * <p>Thread safety: called while the store is quiescent (open, close).
 */
public final class IndexCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(IndexCheckpoint.class);
    /**
     * {@code index.ckpt}: version 3 is this framing with tagged id-table slots; earlier versions
     * (1, and 2 whose id table held bare positions) are ignored.
     */
    public static final FileFormat FORMAT = FileFormat.of("index-checkpoint", 3, "PRGNIDX\0");

    /** The fewest bytes an entity takes: an empty id, its version, two empty lists. */
    private static final int ENTITY_MIN_BYTES = Integer.BYTES + Long.BYTES + 2 * Integer.BYTES;
    /** The fewest bytes a type takes: an empty name and an empty list. */
    private static final int TYPE_MIN_BYTES = 2 * Integer.BYTES;

    private IndexCheckpoint() {
    }

    /**
     * @param path the checkpoint file
     * @param indexes the indexes, complete up to {@code lastPosition}
     * @param lastPosition the last position indexed
     * @param reader reads the id at that position
     */
    public static void save(Path path, LogIndexes indexes, long lastPosition, EventReader reader) {
        if (lastPosition == 0) {
            AtomicFile.delete(path);
            return;
        }
        AtomicFile.write(path, FORMAT, out -> {
            out.putLong(lastPosition);
            out.putLong(reader.msb(lastPosition));
            out.putLong(reader.lsb(lastPosition));
            out.putLong(indexes.eventCount());
            out.putInt(indexes.entities().size());
            for (EntityStream s : indexes.entities().values()) {
                out.putString(s.entityId());
                out.putLong(s.writerVersion());
                putList(out, s.positions());
                LongPagedList t = s.tombstones();
                if (t == null) {
                    out.putInt(0);
                } else {
                    putList(out, t);
                }
            }
            out.putInt(indexes.types().size());
            for (Map.Entry<String, LongPagedList> e : indexes.types().entrySet()) {
                out.putString(e.getKey());
                putList(out, e.getValue());
            }
            MemorySegment table = indexes.ids().table();
            long slots = table.byteSize() / Long.BYTES;
            out.putInt((int) slots);
            out.putInt((int) indexes.ids().size());
            for (long i = 0; i < slots; i++) {
                out.putLong(table.getAtIndex(ValueLayout.JAVA_LONG, i));
            }
        });
    }

    private static void putList(AtomicFile.Output out, LongPagedList list) throws IOException {
        int n = list.size();
        out.putInt(n);
        for (int i = 0; i < n; i++) {
            out.putLong(list.get(i));
        }
    }

    /**
     * Loads the checkpoint into empty indexes if it matches the log.
     *
     * @param path the checkpoint file
     * @param indexes empty indexes to fill
     * @param logLastPosition the last position recovery found in the log
     * @param reader reads ids from the log
     * @return the last position the loaded indexes cover (0 if nothing was loaded)
     */
    public static long load(Path path, LogIndexes indexes, long logLastPosition, EventReader reader) {
        try {
            Optional<FileBody> body = AtomicFile.read(path, FORMAT);
            return body.isEmpty() ? 0 : load(body.get(), indexes, logLastPosition, reader);
        } catch (CorruptFileException | UnsupportedFormatException | StorageFailureException e) {
            LOG.warn("ignoring the index checkpoint: {}; rebuilding indexes from the log", e.getMessage());
            return 0;
        }
    }

    private static long load(FileBody in, LogIndexes indexes, long logLastPosition, EventReader reader) {
        long last = in.getLong();
        long msb = in.getLong();
        long lsb = in.getLong();
        if (last < 1 || last > logLastPosition || reader.msb(last) != msb || reader.lsb(last) != lsb) {
            LOG.warn("index checkpoint at position {} does not match the log (last position {}); rebuilding",
                    last, logLastPosition);
            return 0;
        }
        // Parsed whole before anything is installed: a checkpoint that fails half-way leaves the
        // indexes empty for the rebuild from the log.
        long eventCount = in.getLong();
        int entities = in.getCount(ENTITY_MIN_BYTES);
        List<EntityStream> streams = new ArrayList<>(entities);
        List<Boolean> tombstoned = new ArrayList<>(entities);
        for (int i = 0; i < entities; i++) {
            EntityStream s = new EntityStream(in.getString(), indexes.memory());
            long writerVersion = in.getLong();
            int n = in.getCount(Long.BYTES);
            s.positions().addAll(in.slice(n * Long.BYTES), n);
            int t = in.getCount(Long.BYTES);
            for (int k = 0; k < t; k++) {
                s.addTombstone(in.getLong());
            }
            s.writerVersion(writerVersion); // after the tombstones, which reset it
            streams.add(s);
            tombstoned.add(t > 0);
        }
        int typeCount = in.getCount(TYPE_MIN_BYTES);
        Map<String, LongPagedList> types = new HashMap<>();
        for (int i = 0; i < typeCount; i++) {
            String type = in.getString();
            LongPagedList list = new LongPagedList(indexes.memory());
            int n = in.getCount(Long.BYTES);
            list.addAll(in.slice(n * Long.BYTES), n);
            types.put(type, list);
        }
        int tableLength = in.getInt();
        int count = in.getInt();
        if (tableLength < 0 || (long) tableLength * Long.BYTES != in.remaining()) {
            throw in.corrupt("an id table filling the rest of the body", Integer.toUnsignedString(tableLength) + " slots");
        }
        if (Integer.bitCount(tableLength) != 1) {
            throw in.corrupt("an id table of a power of two slots", Integer.toString(tableLength));
        }
        ByteBuffer table = in.slice(tableLength * Long.BYTES);
        indexes.eventCount(eventCount);
        for (int i = 0; i < streams.size(); i++) {
            indexes.restoreStream(streams.get(i), tombstoned.get(i));
        }
        indexes.types().putAll(types);
        indexes.ids().load(table, count);
        return last;
    }
}
