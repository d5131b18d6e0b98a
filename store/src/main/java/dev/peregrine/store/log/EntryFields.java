package dev.peregrine.store.log;

import java.lang.foreign.MemorySegment;

/**
 * The fields of the next entry to write: a mutable flyweight that is re-pointed at each entry in
 * turn and handed to {@link EntryWriter#stage}, which encodes it ({@link EntryDescriptor}). One
 * instance serves every entry the sequencer writes, events and tombstones alike, so writing
 * allocates nothing per entry.
 *
 * <p>Filling it takes two calls, which together set every field, so nothing of the previous entry
 * can leak into the next: the content ({@link #event} or {@link #tombstone}: what the entry says) and
 * the placement ({@link #at}: where it goes in the log). The arrays and segments it points at belong
 * to the caller; they are read by {@link EntryWriter#stage} and not kept.
 *
 * <p>Thread safety: none; one instance per writer thread (the sequencer's).
 */
public final class EntryFields {

    private static final MemorySegment EMPTY = MemorySegment.ofArray(new byte[0]);

    private byte kind;
    private long idMsb;
    private long idLsb;
    private long version;
    private byte[] type;
    private byte[] entity;
    private byte[] tenant;
    private MemorySegment payload = EMPTY;
    private MemorySegment metadata;
    private long position;
    private long timestampNanos;
    private int batchRemaining;
    private int dictionarySize;

    /**
     * Points at an event.
     *
     * @param idMsb event id, high 64 bits
     * @param idLsb event id, low 64 bits
     * @param version its stream version, from 1
     * @param type event type, UTF-8
     * @param entity entity id, UTF-8
     * @param tenant tenant id, UTF-8
     * @param payload payload record bytes
     * @param metadata metadata record bytes, or {@code null} for none
     * @return this
     */
    public EntryFields event(long idMsb, long idLsb, long version, byte[] type, byte[] entity, byte[] tenant,
                             MemorySegment payload, MemorySegment metadata) {
        return content(EntryDescriptor.KIND_EVENT, idMsb, idLsb, version, type, entity, tenant, payload, metadata);
    }

    /**
     * Points at a tombstone: no payload, no metadata, version 0.
     *
     * @param idMsb entry id, high 64 bits
     * @param idLsb entry id, low 64 bits
     * @param type the tombstone's event type, UTF-8
     * @param entity the deleted entity's id, UTF-8
     * @param tenant tenant id, UTF-8
     * @return this
     */
    public EntryFields tombstone(long idMsb, long idLsb, byte[] type, byte[] entity, byte[] tenant) {
        return content(EntryDescriptor.KIND_TOMBSTONE, idMsb, idLsb, 0, type, entity, tenant, EMPTY, null);
    }

    private EntryFields content(byte kind, long idMsb, long idLsb, long version, byte[] type, byte[] entity,
                                byte[] tenant, MemorySegment payload, MemorySegment metadata) {
        this.kind = kind;
        this.idMsb = idMsb;
        this.idLsb = idLsb;
        this.version = version;
        this.type = type;
        this.entity = entity;
        this.tenant = tenant;
        this.payload = payload;
        this.metadata = metadata;
        return this;
    }

    /**
     * Sets where the entry goes.
     *
     * @param position its global position
     * @param timestampNanos its timestamp, nanoseconds since the epoch
     * @param batchRemaining entries of the same atomic batch after this one (0 on the last)
     * @param dictionarySize field names persisted when it is written
     * @return this
     */
    public EntryFields at(long position, long timestampNanos, int batchRemaining, int dictionarySize) {
        this.position = position;
        this.timestampNanos = timestampNanos;
        this.batchRemaining = batchRemaining;
        this.dictionarySize = dictionarySize;
        return this;
    }

    /** @return the entry's total length in the log, a multiple of {@link EntryDescriptor#ALIGNMENT} */
    public int length() {
        return EntryDescriptor.entryLength(payloadLength(), metadataLength(), type.length + entity.length + tenant.length);
    }

    byte kind() {
        return kind;
    }

    long idMsb() {
        return idMsb;
    }

    long idLsb() {
        return idLsb;
    }

    long version() {
        return version;
    }

    byte[] type() {
        return type;
    }

    byte[] entity() {
        return entity;
    }

    byte[] tenant() {
        return tenant;
    }

    MemorySegment payload() {
        return payload;
    }

    int payloadLength() {
        return (int) payload.byteSize();
    }

    /** @return the metadata, or {@code null} if none */
    MemorySegment metadata() {
        return metadata;
    }

    int metadataLength() {
        return metadata == null ? 0 : (int) metadata.byteSize();
    }

    long position() {
        return position;
    }

    long timestampNanos() {
        return timestampNanos;
    }

    int batchRemaining() {
        return batchRemaining;
    }

    int dictionarySize() {
        return dictionarySize;
    }
}
