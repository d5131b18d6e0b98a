package dev.peregrine.store.internal;

import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.index.LongPagedList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Persists the secondary indexes ({@link LogIndexes}) to {@code index.ckpt} ({@link AtomicFileDescriptor})
 * on close, so that the next open loads them and replays only the log entries written after. The
 * segments' offset indexes are not stored: recovery rebuilds them anyway while it verifies every
 * entry's CRC.
 *
 * <p>Body (little-endian): {@code u64 last position, u64 id msb, u64 id lsb} of the entry at that
 * position (so a checkpoint that no longer matches the log is detected), {@code u64 event count};
 * {@code u32 entity count}, per entity {@code string id, u64 writer version, u32 n, n × u64 positions,
 * u32 t, t × u64 tombstone positions}; {@code u32 type count}, per type {@code string, u32 n, n × u64};
 * {@code u32 id table length, u32 ids, table × u64}. Strings are {@code u32 length + UTF-8}.
 *
 * <p>No checksum of its own is needed beyond the file footer: a damaged or stale checkpoint is simply
 * ignored and the indexes are rebuilt from the log, which is the source of truth.
 *
 * <p>Thread safety: called while the store is quiescent (open, close).
 */
public final class IndexCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(IndexCheckpoint.class);
    private static final int FORMAT_VERSION = 1;

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
        AtomicFile.write(path, AtomicFileDescriptor.INDEX_MAGIC, FORMAT_VERSION, out -> {
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
            long[] table = indexes.ids().rawTable();
            out.putInt(table.length);
            out.putInt(indexes.ids().size());
            for (long v : table) {
                out.putLong(v);
            }
        });
    }

    private static void putList(AtomicFile.Output out, LongPagedList list) throws java.io.IOException {
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
        Optional<ByteBuffer> body;
        try {
            body = AtomicFile.read(path, AtomicFileDescriptor.INDEX_MAGIC, FORMAT_VERSION);
        } catch (RuntimeException e) {
            LOG.warn("ignoring index checkpoint {}: {}; rebuilding indexes from the log", path, e.getMessage());
            return 0;
        }
        if (body.isEmpty()) {
            return 0;
        }
        ByteBuffer in = body.get();
        long last = in.getLong();
        long msb = in.getLong();
        long lsb = in.getLong();
        if (last > logLastPosition || reader.msb(last) != msb || reader.lsb(last) != lsb) {
            LOG.warn("index checkpoint at position {} does not match the log (last position {}); rebuilding",
                    last, logLastPosition);
            return 0;
        }
        indexes.eventCount(in.getLong());
        int entities = in.getInt();
        for (int i = 0; i < entities; i++) {
            String id = AtomicFile.getString(in);
            EntityStream s = new EntityStream(id);
            long writerVersion = in.getLong();
            s.positions().addAll(in, in.getInt());
            int t = in.getInt();
            for (int k = 0; k < t; k++) {
                s.addTombstone(in.getLong());
            }
            s.writerVersion(writerVersion); // after the tombstones, which reset it
            indexes.restoreStream(s, t > 0);
        }
        int types = in.getInt();
        for (int i = 0; i < types; i++) {
            String type = AtomicFile.getString(in);
            LongPagedList list = new LongPagedList();
            list.addAll(in, in.getInt());
            indexes.types().put(type, list);
        }
        long[] table = new long[in.getInt()];
        int count = in.getInt();
        in.asLongBuffer().get(table);
        indexes.ids().load(table, count);
        return last;
    }
}
