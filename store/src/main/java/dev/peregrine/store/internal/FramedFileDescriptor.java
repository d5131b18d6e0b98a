package dev.peregrine.store.internal;

/**
 * Layout of the append-only side files (the field dictionary {@code fields.dict} and the snapshot
 * file {@code snapshots.dat}): a 16-byte header, then CRC-framed records appended one after another.
 * Little-endian.
 *
 * <pre>
 *  header:
 *  +---------------------------------------------------------------+
 *  |            magic (8 bytes, one value per kind of file)        |  0
 *  +-------------------------------+-------------------------------+
 *  |        format version         |   header CRC-32C of [0, 12)   |  8
 *  +-------------------------------+-------------------------------+
 *  record (repeated from offset 16):
 *  +-------------------------------+-------------------------------+
 *  |       body length (u32)       |        CRC-32C (u32)          |  0
 *  +-------------------------------+-------------------------------+
 *  |                       body bytes ...                          |  8
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The record CRC-32C covers the body length field and then the body: bytes [0, 4) and
 * [8, 8 + length). Records are not aligned (nothing is read from them in place). A record cut short
 * or failing its CRC at the end of the file is a torn append and is truncated on open; one followed
 * by a valid record is corruption.
 */
public final class FramedFileDescriptor {

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 8;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int VERSION_LENGTH = 4;
    public static final int HEADER_CRC_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    public static final int HEADER_CRC_LENGTH = 4;
    /** Size of the file header; the first record starts here. */
    public static final int HEADER_LENGTH = HEADER_CRC_OFFSET + HEADER_CRC_LENGTH;

    public static final int RECORD_LENGTH_OFFSET = 0;
    public static final int RECORD_LENGTH_LENGTH = 4;
    public static final int RECORD_CRC_OFFSET = RECORD_LENGTH_OFFSET + RECORD_LENGTH_LENGTH;
    public static final int RECORD_CRC_LENGTH = 4;
    /** Size of a record's frame; the body starts here. */
    public static final int RECORD_HEADER_LENGTH = RECORD_CRC_OFFSET + RECORD_CRC_LENGTH;

    /** Magic of {@code fields.dict}: "PRGNDICT" read little-endian. */
    public static final long DICTIONARY_MAGIC = 0x544349444E475250L;
    /** Magic of {@code snapshots.dat}: "PRGNSNAP" read little-endian. */
    public static final long SNAPSHOT_MAGIC = 0x50414E534E475250L;

    /** Format version of both files. */
    public static final int FORMAT_VERSION = 1;

    private FramedFileDescriptor() {
    }
}
