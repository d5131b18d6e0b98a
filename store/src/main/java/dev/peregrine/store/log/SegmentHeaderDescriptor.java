package dev.peregrine.store.log;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Layout of the 64-byte header at the start of every segment file. Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  magic "PRGNLOG\0" (8 bytes)                  |  0
 *  +-------------------------------+-------------------------------+
 *  |   format version (1, or 2)    |         header length         |  8
 *  +-------------------------------+-------------------------------+
 *  |            base position (u64): position of the first entry   | 16
 *  +---------------------------------------------------------------+
 *  |            segment bytes (u64): allocated file size           | 24
 *  +---------------------------------------------------------------+
 *  |            created at (u64): epoch milliseconds               | 32
 *  +---------------------------------------------------------------+
 *  |            reserved, zero (20 bytes)                  ...     | 40
 *  +-------------------------------+-------------------------------+
 *  |  ...                          |     header CRC-32C (u32)      | 56
 *  +-------------------------------+-------------------------------+
 *  |                   first entry (see EntryDescriptor)            | 64
 * </pre>
 *
 * <p>The header CRC-32C covers bytes [0, 60): everything in the header before the CRC itself.
 *
 * <p>Version 1 is a segment as the sequencer writes it; version 2 one a scavenge rewrote
 * ({@link #REWRITTEN_VERSION}).
 */
public final class SegmentHeaderDescriptor {

    /** "PRGNLOG" followed by a zero byte, read as a little-endian long. */
    public static final long MAGIC = 0x00474F4C4E475250L;
    /** The format version of segments the sequencer writes. */
    public static final int FORMAT_VERSION = 1;
    /**
     * The format version of a segment a scavenge rewrote ({@link SegmentRewriter}): the same layout,
     * but entries may be of kind {@link EntryDescriptor#KIND_REMOVED}, and the file is exactly as long
     * as its entries (segment bytes = file size, nothing preallocated after them). A release that reads
     * only version 1 refuses such a segment instead of showing a removed event as an empty one.
     */
    public static final int REWRITTEN_VERSION = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 8;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int VERSION_LENGTH = 4;
    public static final int HEADER_LENGTH_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    public static final int HEADER_LENGTH_LENGTH = 4;
    public static final int BASE_POSITION_OFFSET = HEADER_LENGTH_OFFSET + HEADER_LENGTH_LENGTH;
    public static final int BASE_POSITION_LENGTH = 8;
    public static final int SEGMENT_BYTES_OFFSET = BASE_POSITION_OFFSET + BASE_POSITION_LENGTH;
    public static final int SEGMENT_BYTES_LENGTH = 8;
    public static final int CREATED_OFFSET = SEGMENT_BYTES_OFFSET + SEGMENT_BYTES_LENGTH;
    public static final int CREATED_LENGTH = 8;
    public static final int RESERVED_OFFSET = CREATED_OFFSET + CREATED_LENGTH;
    public static final int RESERVED_LENGTH = 20;
    public static final int CRC_OFFSET = RESERVED_OFFSET + RESERVED_LENGTH;
    public static final int CRC_LENGTH = 4;
    /** Total header size; the first entry starts here (8-aligned). */
    public static final int HEADER_LENGTH = CRC_OFFSET + CRC_LENGTH;

    /** File name suffix of segment files. */
    public static final String SUFFIX = ".seg";

    private SegmentHeaderDescriptor() {
    }

    /**
     * Encodes a header.
     *
     * @param basePosition position of the segment's first entry
     * @param segmentBytes the file size
     * @param createdMillis creation time, epoch milliseconds
     * @return the {@link #HEADER_LENGTH} bytes, CRC included, ready to be written at offset 0
     */
    public static ByteBuffer encode(long basePosition, long segmentBytes, long createdMillis) {
        return encode(FORMAT_VERSION, basePosition, segmentBytes, createdMillis);
    }

    /**
     * Encodes a header of a given format version.
     *
     * @param version {@link #FORMAT_VERSION} or {@link #REWRITTEN_VERSION}
     * @param basePosition position of the segment's first entry
     * @param segmentBytes the file size
     * @param createdMillis creation time, epoch milliseconds
     * @return the {@link #HEADER_LENGTH} bytes, CRC included, ready to be written at offset 0
     */
    public static ByteBuffer encode(int version, long basePosition, long segmentBytes, long createdMillis) {
        MemorySegment header = MemorySegment.ofBuffer(ByteBuffer.allocateDirect(HEADER_LENGTH)); // page-aligned
        header.set(LogSegment.LONG, MAGIC_OFFSET, MAGIC);
        header.set(LogSegment.INT, VERSION_OFFSET, version);
        header.set(LogSegment.INT, HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        header.set(LogSegment.LONG, BASE_POSITION_OFFSET, basePosition);
        header.set(LogSegment.LONG, SEGMENT_BYTES_OFFSET, segmentBytes);
        header.set(LogSegment.LONG, CREATED_OFFSET, createdMillis);
        header.set(LogSegment.INT, CRC_OFFSET, Crc.of(header, 0, CRC_OFFSET));
        return header.asByteBuffer();
    }

    /**
     * Segment files are named by their base position, zero-padded to 20 digits so that the
     * lexicographic order of names is the log order.
     *
     * @param basePosition the position of the segment's first entry
     * @return the file name
     */
    public static String fileName(long basePosition) {
        return String.format("%020d%s", basePosition, SUFFIX);
    }
}
