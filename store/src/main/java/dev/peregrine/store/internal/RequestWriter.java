package dev.peregrine.store.internal;

import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.log.EntryFields;
import dev.peregrine.store.log.EntryWriter;
import dev.peregrine.store.log.LogSegment;
import dev.peregrine.store.log.FreeSpaceWatermark;
import dev.peregrine.store.log.SegmentedLog;

import java.time.Instant;

/**
 * Pass 2 of every request: the one path that writes entries to the log, for every entry kind.
 *
 * <p>For each request it takes the room the entries need in one segment (rolling to a new one if
 * needed), gives them consecutive positions and one timestamp, fills each into one re-pointed
 * {@link EntryFields} and stages it, writes them all with one {@link EntryWriter#flush()}, and only
 * then indexes them. The order is the point: indexes read entries back (the id table re-reads every
 * id when it grows), and a staged entry is not in the file until the flush; an index that saw a
 * position before its bytes were written rehashed it from zeros and lost it.
 *
 * <p>A write that fails is undone before anything is indexed: {@link SegmentedLog#ensureRoom} and
 * {@link EntryWriter#flush()} throw {@link dev.peregrine.store.StorageFailureException} with outcome
 * {@code NOT_WRITTEN}, the segment's write offset is back where the request began, and whatever part
 * of it reached the file is zeroed before the next write. The request fails alone; the next one
 * tries again.
 *
 * <p>Timestamps are the wall clock in nanoseconds, never decreasing along the log even if the clock
 * goes back: queries find time ranges by binary search over positions.
 *
 * <p>Thread safety: sequencer thread only.
 */
final class RequestWriter {

    private final SegmentedLog log;
    private final LogIndexes indexes;
    private final DictionaryFile dictionary;
    private final AutoSnapshots snapshots;
    private final FreeSpaceWatermark space;
    private final EntryWriter writer = new EntryWriter();
    private final EntryFields entry = new EntryFields();
    /** Offsets of the entries of the request being written; grows to the largest request. */
    private long[] offsets = new long[64];
    private long lastTimestamp;

    /**
     * @param log the log
     * @param indexes the indexes to add entries to once written
     * @param dictionary the field dictionary, persisted before the entries that use it
     * @param snapshots told of each new stream version
     * @param space admits each request's bytes, or refuses them below the free-space watermark
     * @param lastTimestamp the timestamp of the last entry in the log (0 if empty)
     */
    RequestWriter(SegmentedLog log, LogIndexes indexes, DictionaryFile dictionary, AutoSnapshots snapshots,
                  FreeSpaceWatermark space, long lastTimestamp) {
        this.log = log;
        this.space = space;
        this.indexes = indexes;
        this.dictionary = dictionary;
        this.snapshots = snapshots;
        this.lastTimestamp = lastTimestamp;
    }

    /**
     * Persists the field names interned since the last group, before any entry of this group that
     * may use them is written ({@link DictionaryFile} says why).
     *
     * @throws dev.peregrine.store.StorageFailureException if that fails; nothing of the group is
     *         written then
     */
    void beginGroup() {
        dictionary.persistNew();
    }

    /**
     * Writes a request's entries after {@code lastPosition}, then indexes them.
     *
     * @param entries the entries, at least one
     * @param lastPosition the last position in the log
     * @return the position of the last entry written
     * @throws dev.peregrine.store.StorageFailureException with outcome {@code NOT_WRITTEN} if the
     *         entries cannot be written: then nothing of them is in the log or the indexes
     * @throws dev.peregrine.store.FieldNameLimitException if their new field names would pass the
     *         store's limit: nothing is written
     * @throws dev.peregrine.store.InsufficientSpaceException if the disk's free space is below the
     *         store's watermark: nothing is written
     */
    long write(PendingEntries<?> entries, long lastPosition) {
        space.admit(entries.bytes());
        if (entries instanceof PendingEvents events) {
            events.commitNames(dictionary); // names of drafts only now, for events about to be written; durable first
        }
        int n = entries.count();
        LogSegment segment = log.ensureRoom(entries.bytes(), lastPosition + 1);
        long timestamp = nextTimestamp();
        int dictionarySize = dictionary.persistedSize();
        if (offsets.length < n) {
            offsets = new long[Math.max(n, offsets.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            entries.fill(i, entry);
            entry.at(lastPosition + 1 + i, timestamp, n - 1 - i, dictionarySize);
            offsets[i] = writer.stage(segment, entry);
        }
        writer.flush();
        log.markDirty(segment);
        for (int i = 0; i < n; i++) {
            long position = lastPosition + 1 + i;
            segment.indexEntry(offsets[i]);
            long version = entries.index(i, position, timestamp, indexes);
            snapshots.indexed(entries.entityId(i), version, position);
        }
        return lastPosition + n;
    }

    private long nextTimestamp() {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        lastTimestamp = Math.max(lastTimestamp, nanos); // never backwards, even if the clock is
        return lastTimestamp;
    }
}
