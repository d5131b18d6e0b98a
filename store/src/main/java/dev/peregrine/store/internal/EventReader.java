package dev.peregrine.store.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.MergePatchFold;
import dev.peregrine.record.Record;
import dev.peregrine.record.internal.TrustedRecords;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.index.EventIdIndex;
import dev.peregrine.store.log.EntryDescriptor;
import dev.peregrine.store.log.LogSegment;
import dev.peregrine.store.log.SegmentedLog;

import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.UUID;

/**
 * Reads entries of the log by position: whole events as zero-copy {@link StoredEvent} views, or
 * single fields straight from the mapped bytes for filtering without decoding.
 *
 * <p>Payload and metadata records are wrapped without validation ({@link TrustedRecords}): every
 * record was validated before it was appended, and recovery checked every entry's CRC-32C when the
 * store opened, so validating again would re-read every byte of every event on every read.
 *
 * <p>Thread safety: any thread, for positions the caller knows to be written (visible to readers, or
 * written by the calling sequencer thread itself).
 */
public final class EventReader implements EventIdIndex.IdSource {

    private final SegmentedLog log;
    private final FieldDictionary dictionary;
    private final StringCache strings = new StringCache();

    /**
     * @param log the log
     * @param dictionary the store's dictionary, for record views
     */
    public EventReader(SegmentedLog log, FieldDictionary dictionary) {
        this.log = log;
        this.dictionary = dictionary;
    }

    /** Where one entry lives: resolved once per position, then reused for all field reads. */
    public record Location(LogSegment segment, long offset) {
    }

    /** @param position a written position @return its location */
    public Location locate(long position) {
        LogSegment segment = log.segmentFor(position);
        return new Location(segment, segment.offsetOf(position));
    }

    /**
     * @param position a written position
     * @return the entry as an event view
     */
    public StoredEvent read(long position) {
        return read(locate(position), position);
    }

    /**
     * @param loc the entry's location
     * @param position its position
     * @return the entry as an event view
     */
    public StoredEvent read(Location loc, long position) {
        return read(loc.segment(), loc.offset(), position);
    }

    /** Reads the entry at {@code off}, for {@link #read(Location, long)} and {@link EntryCursor}. */
    StoredEvent read(LogSegment s, long off, long position) {
        MemorySegment map = s.memory();
        long typeAt = s.typeOffsetAt(off); // the three strings are contiguous: locate them once
        int typeLen = s.typeLengthAt(off);
        int entityLen = s.entityLengthAt(off);
        String type = strings.get(map, typeAt, typeLen);
        String entity = strings.get(map, typeAt + typeLen, entityLen);
        String tenant = strings.get(map, typeAt + typeLen + entityLen, s.tenantLengthAt(off));
        return event(s, off, position, type, entity, tenant, payload(s, off));
    }

    /**
     * The one assembly of an entry into a {@link StoredEvent}, for {@link #read} and {@link EntryCursor}
     * (which has decoded the strings and the payload already).
     */
    StoredEvent event(LogSegment s, long off, long position, String type, String entity, String tenant,
                      Record payload) {
        return new StoredEvent(new UUID(s.idMsbAt(off), s.idLsbAt(off)), type, entity, tenant, payload,
                metadata(s, off), s.timestampAt(off), s.versionAt(off), position);
    }

    /** @return the metadata of the entry at {@code off} as a record view, or {@code null} if it has none */
    Record metadata(LogSegment s, long off) {
        MemorySegment meta = s.metadataAt(off);
        return meta == null ? null : TrustedRecords.wrap(dictionary, meta);
    }

    /**
     * @param position a written position
     * @return what an append of that entry returned (for idempotent retries)
     */
    public AppendResult appendResult(long position) {
        LogSegment s = log.segmentFor(position);
        long off = s.offsetOf(position);
        return new AppendResult(new UUID(s.idMsbAt(off), s.idLsbAt(off)), position, s.versionAt(off),
                Instant.ofEpochSecond(0, s.timestampAt(off)));
    }

    /** @param position a written position @return its payload as a record view */
    public Record payload(long position) {
        LogSegment s = log.segmentFor(position);
        return TrustedRecords.wrap(dictionary, s.payloadAt(s.offsetOf(position)));
    }

    /** @return the payload of the entry at {@code off} as a record view; empty for a tombstone */
    Record payload(LogSegment s, long off) {
        return isTombstone(s, off) ? Record.empty(dictionary) : TrustedRecords.wrap(dictionary, s.payloadAt(off));
    }

    /**
     * Folds the payload of the entry at {@code off} into {@code fold} straight from the mapping (no
     * record view, no slice); a tombstone's empty payload changes nothing.
     */
    static void foldPayload(MergePatchFold fold, LogSegment s, long off) {
        if (!isTombstone(s, off)) {
            TrustedRecords.foldPatch(fold, s.memory(), s.payloadOffsetAt(off));
        }
    }

    static boolean isTombstone(LogSegment s, long off) {
        return s.kindAt(off) == EntryDescriptor.KIND_TOMBSTONE;
    }

    /** @param position a written position @return its timestamp in epoch nanoseconds */
    public long timestamp(long position) {
        LogSegment s = log.segmentFor(position);
        return s.timestampAt(s.offsetOf(position));
    }

    /** @param position a written position @return its entity id */
    public String entityId(long position) {
        LogSegment s = log.segmentFor(position);
        return entityId(s, s.offsetOf(position));
    }

    /** @param position a written position @return its event type */
    public String eventType(long position) {
        LogSegment s = log.segmentFor(position);
        return eventType(s, s.offsetOf(position));
    }

    String eventType(LogSegment s, long off) {
        return strings.get(s.memory(), s.typeOffsetAt(off), s.typeLengthAt(off));
    }

    String entityId(LogSegment s, long off) {
        return strings.get(s.memory(), s.entityOffsetAt(off), s.entityLengthAt(off));
    }

    String tenantId(LogSegment s, long off) {
        long entityAt = s.entityOffsetAt(off);
        return strings.get(s.memory(), entityAt + s.entityLengthAt(off), s.tenantLengthAt(off));
    }

    /** @return the segments, for cursors that locate entries themselves */
    SegmentedLog log() {
        return log;
    }

    /**
     * Compares the strings of the entry at {@code off} with encoded filter values, without decoding.
     *
     * @param type event type UTF-8, or null for any
     * @param entity entity id UTF-8, or null for any
     * @param tenant tenant id UTF-8, or null for any
     * @return whether every non-null value matches
     */
    static boolean stringsMatch(LogSegment s, long off, MemorySegment type, MemorySegment entity,
                                MemorySegment tenant) {
        long typeAt = s.typeOffsetAt(off);
        int typeLen = s.typeLengthAt(off);
        int entityLen = s.entityLengthAt(off);
        return (type == null || bytesEqual(s.memory(), typeAt, typeLen, type))
                && (entity == null || bytesEqual(s.memory(), typeAt + typeLen, entityLen, entity))
                && (tenant == null || bytesEqual(s.memory(), typeAt + typeLen + entityLen, s.tenantLengthAt(off), tenant));
    }

    /**
     * Whether a stored entry has exactly this content (idempotency check). For an event a scavenge
     * removed, only the strings are compared: its payload and metadata are gone.
     *
     * @param position the stored entry
     * @param type event type UTF-8
     * @param entity entity id UTF-8
     * @param tenant tenant id UTF-8
     * @param payload payload bytes
     * @param metadata metadata bytes or null
     * @return whether all match
     */
    public boolean contentEquals(long position, byte[] type, byte[] entity, byte[] tenant, MemorySegment payload,
                                 MemorySegment metadata) {
        Location loc = locate(position);
        LogSegment s = loc.segment();
        long off = loc.offset();
        byte kind = s.kindAt(off);
        if (kind == EntryDescriptor.KIND_TOMBSTONE || !stringsMatch(s, off, MemorySegment.ofArray(type),
                MemorySegment.ofArray(entity), MemorySegment.ofArray(tenant))) {
            return false;
        }
        if (kind == EntryDescriptor.KIND_REMOVED) {
            // A scavenge removed the payload: the same id, type and entity is taken as the retry of
            // the original append, which it answers again (its position, version and time remain).
            return true;
        }
        MemorySegment storedMeta = s.metadataAt(off);
        return s.payloadAt(off).mismatch(payload) < 0
                && (metadata == null ? storedMeta == null : storedMeta != null && storedMeta.mismatch(metadata) < 0);
    }

    private static boolean bytesEqual(MemorySegment map, long at, int length, MemorySegment expected) {
        return length == expected.byteSize() && MemorySegment.mismatch(map, at, at + length, expected, 0, length) < 0;
    }

    @Override
    public long msb(long position) {
        LogSegment s = log.segmentFor(position);
        return s.idMsbAt(s.offsetOf(position));
    }

    @Override
    public int idHash(long position) {
        LogSegment s = log.segmentFor(position);
        long off = s.offsetOf(position);
        return EventIdIndex.hash(s.idMsbAt(off), s.idLsbAt(off));
    }

    @Override
    public long lsb(long position) {
        LogSegment s = log.segmentFor(position);
        return s.idLsbAt(s.offsetOf(position));
    }

    /** @return the dictionary record views are read with */
    public FieldDictionary dictionary() {
        return dictionary;
    }
}
