package dev.peregrine.store.log;

/**
 * Layout of one log entry. Entries follow each other from
 * {@link SegmentHeaderDescriptor#HEADER_LENGTH}; each starts 8-aligned, and a length of zero marks the
 * end of the written part of a (preallocated, zero-filled) segment. Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |   entry length (u32, total)   |        CRC-32C (u32)          |  0
 *  +-------------------------------+-------------------------------+
 *  |                 global position (u64), from 1                 |  8
 *  +---------------------------------------------------------------+
 *  |              timestamp (u64), nanoseconds since epoch         | 16
 *  +---------------------------------------------------------------+
 *  |                 event id, most significant 64 bits            | 24
 *  +---------------------------------------------------------------+
 *  |                 event id, least significant 64 bits           | 32
 *  +---------------------------------------------------------------+
 *  |                 stream version (u64), 0 for a tombstone       | 40
 *  +-------------------------------+-------------------------------+
 *  |   batch remaining (u32)       |     payload length (u32)      | 48
 *  +-------------------------------+-------+-------+---------------+
 *  |   metadata length (u32)       | kind  | flags | type length   | 56
 *  +---------------+---------------+-------+-------+---------------+
 *  | entity length | tenant length |   dictionary size (u32)       | 64
 *  +---------------+---------------+-------------------------------+
 *  |  payload record bytes, zero-padded to a multiple of 8       ... | 72
 *  |  metadata record bytes (if length > 0), zero-padded to 8    ... |
 *  |  event type, entity id, tenant id (UTF-8, back to back)     ... |
 *  |  zero padding so that the entry length is a multiple of 8       |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>CRC-32C</b> (Castagnoli, as {@link java.util.zip.CRC32C} computes it) covers the whole entry
 * except the CRC field itself: bytes [0, 4) (the length) and then bytes [8, length) (everything after
 * the CRC, padding included). Covering the length means a damaged length cannot frame a different
 * entry that happens to check; covering the padding means every byte up to the next entry is checked.
 *
 * <p><b>Flags</b> (byte 61) are reserved: no flag is defined yet, every entry is written with 0, and
 * readers ignore the byte, so a later format can define flags that older entries simply lack.
 *
 * <p><b>Kind</b> (byte 60): {@link #KIND_EVENT}, {@link #KIND_TOMBSTONE}, or {@link #KIND_REMOVED} for
 * the remains of an event a scavenge removed.
 *
 * <p><b>Batch remaining</b> is how many entries of the same atomic batch follow this one (0 on a
 * batch's last entry). Recovery drops a batch whose last entry is missing, so a batch is either
 * entirely in the log or entirely absent.
 *
 * <p><b>Dictionary size</b> is how many field names were persisted in {@code fields.dict} when the
 * entry was written; every field id in its records is below it. On open, the last entry's value must
 * not exceed the dictionary's size, which detects a dictionary that lost names the log relies on.
 *
 * <p>Payload and metadata start 8-aligned so that record views over the mapped file read aligned
 * numbers.
 */
public final class EntryDescriptor {

    /** An event. */
    public static final byte KIND_EVENT = 1;
    /** A tombstone: the entity's earlier events are hidden; no payload. */
    public static final byte KIND_TOMBSTONE = 2;
    /**
     * An event a scavenge removed ({@link SegmentRewriter}): payload and metadata lengths are 0 and
     * their bytes gone; every other header field and the three strings are the event's own, so the
     * position stays taken, the stream keeps its version, the event id stays known (a retried append
     * is an idempotent repeat) and retention rules still count it. Only in segments of format version
     * {@link SegmentHeaderDescriptor#REWRITTEN_VERSION}.
     */
    public static final byte KIND_REMOVED = 3;

    /** Entries start at multiples of this. */
    public static final int ALIGNMENT = 8;

    public static final int LENGTH_OFFSET = 0;
    public static final int LENGTH_LENGTH = 4;
    public static final int CRC_OFFSET = LENGTH_OFFSET + LENGTH_LENGTH;
    public static final int CRC_LENGTH = 4;
    public static final int POSITION_OFFSET = CRC_OFFSET + CRC_LENGTH;
    public static final int POSITION_LENGTH = 8;
    public static final int TIMESTAMP_OFFSET = POSITION_OFFSET + POSITION_LENGTH;
    public static final int TIMESTAMP_LENGTH = 8;
    public static final int ID_MSB_OFFSET = TIMESTAMP_OFFSET + TIMESTAMP_LENGTH;
    public static final int ID_MSB_LENGTH = 8;
    public static final int ID_LSB_OFFSET = ID_MSB_OFFSET + ID_MSB_LENGTH;
    public static final int ID_LSB_LENGTH = 8;
    public static final int VERSION_OFFSET = ID_LSB_OFFSET + ID_LSB_LENGTH;
    public static final int VERSION_LENGTH = 8;
    public static final int BATCH_REMAINING_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    public static final int BATCH_REMAINING_LENGTH = 4;
    public static final int PAYLOAD_LENGTH_OFFSET = BATCH_REMAINING_OFFSET + BATCH_REMAINING_LENGTH;
    public static final int PAYLOAD_LENGTH_LENGTH = 4;
    public static final int METADATA_LENGTH_OFFSET = PAYLOAD_LENGTH_OFFSET + PAYLOAD_LENGTH_LENGTH;
    public static final int METADATA_LENGTH_LENGTH = 4;
    public static final int KIND_OFFSET = METADATA_LENGTH_OFFSET + METADATA_LENGTH_LENGTH;
    public static final int KIND_LENGTH = 1;
    public static final int FLAGS_OFFSET = KIND_OFFSET + KIND_LENGTH;
    public static final int FLAGS_LENGTH = 1;
    public static final int TYPE_LENGTH_OFFSET = FLAGS_OFFSET + FLAGS_LENGTH;
    public static final int TYPE_LENGTH_LENGTH = 2;
    public static final int ENTITY_LENGTH_OFFSET = TYPE_LENGTH_OFFSET + TYPE_LENGTH_LENGTH;
    public static final int ENTITY_LENGTH_LENGTH = 2;
    public static final int TENANT_LENGTH_OFFSET = ENTITY_LENGTH_OFFSET + ENTITY_LENGTH_LENGTH;
    public static final int TENANT_LENGTH_LENGTH = 2;
    public static final int DICTIONARY_SIZE_OFFSET = TENANT_LENGTH_OFFSET + TENANT_LENGTH_LENGTH;
    public static final int DICTIONARY_SIZE_LENGTH = 4;
    /** Fixed header size; the payload starts here. */
    public static final int HEADER_LENGTH = DICTIONARY_SIZE_OFFSET + DICTIONARY_SIZE_LENGTH;

    private EntryDescriptor() {
    }

    /** @param n a length @return {@code n} rounded up to a multiple of {@link #ALIGNMENT} */
    public static int align(int n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** @param payloadLength payload bytes @return offset of the metadata within the entry */
    public static int metadataOffset(int payloadLength) {
        return HEADER_LENGTH + align(payloadLength);
    }

    /**
     * @param payloadLength payload bytes
     * @param metadataLength metadata bytes
     * @return offset of the event type string within the entry
     */
    public static int stringsOffset(int payloadLength, int metadataLength) {
        return metadataOffset(payloadLength) + align(metadataLength);
    }

    /**
     * @param payloadLength payload bytes
     * @param metadataLength metadata bytes
     * @param stringBytes UTF-8 bytes of event type, entity id and tenant id together
     * @return the total entry length, a multiple of {@link #ALIGNMENT}
     */
    public static int entryLength(int payloadLength, int metadataLength, int stringBytes) {
        return align(stringsOffset(payloadLength, metadataLength) + stringBytes);
    }
}
