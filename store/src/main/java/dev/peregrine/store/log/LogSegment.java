package dev.peregrine.store.log;

import dev.peregrine.store.CorruptLogException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.index.LongPagedList;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.peregrine.store.log.EntryDescriptor.*;

/**
 * One segment file: a header ({@link SegmentHeaderDescriptor}) followed by entries
 * ({@link EntryDescriptor}), preallocated to a fixed size and mapped read-write with the FFM API for
 * the whole life of the store. Also owns the segment's dense offset index: offset of the entry at
 * {@code basePosition + i} is element {@code i}. That index lives only on the heap (8 bytes per
 * entry) and is rebuilt by recovery or loaded from the index checkpoint.
 *
 * <p>Files are named {@code <base position, 20 digits>.seg}. Preallocation uses
 * {@code RandomAccessFile.setLength} semantics (a sparse file on most file systems): the name, size
 * and header are fsynced at creation, the data blocks are allocated as pages are written.
 *
 * <p>Entries are written with positional writes to the file ({@link #writeAt}, staged by
 * {@link EntryWriter}, which says why not through the mapping) and read through the mapping: both are
 * the same page cache.
 *
 * <p>Thread safety: entries are written only by the sequencer thread; readers on any thread read
 * entries at offsets they obtained from the offset index after acquiring the store's visible
 * position, which the sequencer publishes after the write returned.
 */
public final class LogSegment implements AutoCloseable {

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment map;
    private final long basePosition;
    private final LongPagedList offsets = new LongPagedList();
    /** Next free byte; sequencer (or loader) only. */
    private int writeOffset = SegmentHeaderDescriptor.HEADER_LENGTH;

    private LogSegment(Path path, FileChannel channel, Arena arena, MemorySegment map, long basePosition) {
        this.path = path;
        this.channel = channel;
        this.arena = arena;
        this.map = map;
        this.basePosition = basePosition;
    }

    /**
     * Creates, preallocates, maps and fsyncs a new segment file. The caller fsyncs the directory.
     *
     * @param path file to create (must not exist)
     * @param basePosition position of the first entry it will hold
     * @param bytes file size
     * @return the open segment
     */
    public static LogSegment create(Path path, long basePosition, int bytes) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            channel.truncate(0);
            channel.write(ByteBuffer.allocate(1), bytes - 1L); // sets the length (sparse)
            Arena arena = Arena.ofShared();
            MemorySegment map = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            map.set(LONG, SegmentHeaderDescriptor.MAGIC_OFFSET, SegmentHeaderDescriptor.MAGIC);
            map.set(INT, SegmentHeaderDescriptor.VERSION_OFFSET, SegmentHeaderDescriptor.FORMAT_VERSION);
            map.set(INT, SegmentHeaderDescriptor.HEADER_LENGTH_OFFSET, SegmentHeaderDescriptor.HEADER_LENGTH);
            map.set(LONG, SegmentHeaderDescriptor.BASE_POSITION_OFFSET, basePosition);
            map.set(LONG, SegmentHeaderDescriptor.SEGMENT_BYTES_OFFSET, bytes);
            map.set(LONG, SegmentHeaderDescriptor.CREATED_OFFSET, System.currentTimeMillis());
            map.set(INT, SegmentHeaderDescriptor.CRC_OFFSET, Crc.of(map, 0, SegmentHeaderDescriptor.CRC_OFFSET));
            map.force();
            channel.force(true); // the file's size and metadata
            return new LogSegment(path, channel, arena, map, basePosition);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageFailureException("cannot create segment", path, e);
        }
    }

    /**
     * Maps an existing segment file and validates its header.
     *
     * @param path the file
     * @return the open segment, with no entries indexed yet (the loader scans them)
     * @throws CorruptLogException if the header is not a valid segment header
     */
    public static LogSegment open(Path path) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = channel.size();
            if (size < SegmentHeaderDescriptor.HEADER_LENGTH || size > Integer.MAX_VALUE) {
                throw new CorruptLogException(path, 0, 0, 0, "segment file size " + size + " is out of range");
            }
            Arena arena = Arena.ofShared();
            MemorySegment map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            int stored = map.get(INT, SegmentHeaderDescriptor.CRC_OFFSET);
            int actual = Crc.of(map, 0, SegmentHeaderDescriptor.CRC_OFFSET);
            if (map.get(LONG, SegmentHeaderDescriptor.MAGIC_OFFSET) != SegmentHeaderDescriptor.MAGIC || stored != actual) {
                arena.close();
                throw new CorruptLogException(path, 0, stored, actual, "not a valid segment header");
            }
            int version = map.get(INT, SegmentHeaderDescriptor.VERSION_OFFSET);
            if (version != SegmentHeaderDescriptor.FORMAT_VERSION) {
                arena.close();
                throw new CorruptLogException(path, SegmentHeaderDescriptor.VERSION_OFFSET, 0, 0,
                        "segment format version " + version + " is not supported (this build reads version "
                                + SegmentHeaderDescriptor.FORMAT_VERSION + ")");
            }
            long base = map.get(LONG, SegmentHeaderDescriptor.BASE_POSITION_OFFSET);
            return new LogSegment(path, channel, arena, map, base);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageFailureException("cannot open segment", path, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    /** @return the file */
    public Path path() {
        return path;
    }

    /** @return the mapped file (entries are read through the accessors below) */
    public MemorySegment memory() {
        return map;
    }

    /** @return position of this segment's first entry */
    public long basePosition() {
        return basePosition;
    }

    /** @return file size in bytes */
    public long capacity() {
        return map.byteSize();
    }

    /** @return number of entries indexed (published with release; safe from any thread) */
    public int entryCount() {
        return offsets.size();
    }

    /** @return approximate heap bytes of the offset index */
    public long offsetIndexHeapBytes() {
        return offsets.heapBytes();
    }

    /** @return the offset index */
    LongPagedList offsets() {
        return offsets;
    }

    /**
     * @param position a position held by this segment and already visible to the caller
     * @return the byte offset of its entry
     */
    public long offsetOf(long position) {
        return offsets.get((int) (position - basePosition));
    }

    /** @return bytes left for entries (sequencer only) */
    public int remaining() {
        return (int) (map.byteSize() - writeOffset);
    }

    /** @return the next free byte (sequencer or loader only) */
    public int writeOffset() {
        return writeOffset;
    }

    /**
     * Claims {@code length} bytes for a new entry. Sequencer only; the caller checked
     * {@link #remaining()}.
     *
     * @param length the entry length (a multiple of 8)
     * @return the offset of the claimed bytes
     */
    public int claim(int length) {
        int offset = writeOffset;
        writeOffset = offset + length;
        return offset;
    }

    /**
     * Records that the entry at {@code offset} holds the next position (after its bytes and CRC are
     * written). Sequencer or loader only.
     *
     * @param offset entry offset
     */
    public void indexEntry(long offset) {
        offsets.add(offset);
    }

    /**
     * Sets where the next entry goes, after the loader validated everything before it.
     *
     * @param offset the end of the last valid entry
     */
    void recoveredTo(int offset) {
        writeOffset = offset;
    }

    /**
     * Forgets entries from index {@code keep} on, zeroes their bytes (so a later scan stops there), and
     * moves the write offset back. Loader only, before the store is open.
     *
     * @param keep number of leading entries to keep
     * @param fromOffset where the dropped bytes begin
     */
    void truncate(int keep, int fromOffset) {
        offsets.truncate(keep);
        zeroFrom(fromOffset);
        map.force(); // the zeroes were stored through the mapping
        writeOffset = fromOffset;
    }

    /**
     * Zeroes every byte from {@code offset} up to the last non-zero byte of the file, so that leftover
     * bytes of a torn or dropped entry cannot be mistaken for data later. Pages that are already zero
     * (holes in the sparse file) are only read, not dirtied.
     */
    private void zeroFrom(long offset) {
        final int chunk = 64 * 1024;
        MemorySegment zeros = Arena.ofAuto().allocate(chunk);
        long end = map.byteSize();
        for (long at = offset; at < end; at += chunk) {
            long n = Math.min(chunk, end - at);
            MemorySegment region = map.asSlice(at, n);
            if (region.mismatch(zeros.asSlice(0, n)) >= 0) {
                region.fill((byte) 0);
            }
        }
    }

    /**
     * Writes bytes to the file at {@code offset} (into the page cache; {@link #force()} makes them
     * durable). Sequencer only.
     *
     * @param offset file offset, inside the claimed region
     * @param bytes the bytes
     */
    void writeAt(long offset, MemorySegment bytes) {
        ByteBuffer source = bytes.asByteBuffer();
        try {
            while (source.hasRemaining()) {
                channel.write(source, offset + source.position());
            }
        } catch (IOException e) {
            throw new StorageFailureException("write failed: " + e.getMessage(), path, e);
        }
    }

    /** Forces written data to stable storage ({@code fdatasync}: the size never changes, blocks do). */
    public void force() {
        try {
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            throw new StorageFailureException("force failed: " + e.getMessage(), path, e);
        }
    }

    // ---- entry accessors: offsets come from the offset index or from the loader's scan ----

    /** @param off entry offset @return the entry length field */
    public int lengthAt(long off) {
        return map.get(INT, off + LENGTH_OFFSET);
    }

    /** @param off entry offset @return the stored CRC */
    public int crcAt(long off) {
        return map.get(INT, off + CRC_OFFSET);
    }

    /** @param off entry offset @return the position field */
    public long positionAt(long off) {
        return map.get(LONG, off + POSITION_OFFSET);
    }

    /** @param off entry offset @return the timestamp in epoch nanoseconds */
    public long timestampAt(long off) {
        return map.get(LONG, off + TIMESTAMP_OFFSET);
    }

    /** @param off entry offset @return high 64 bits of the event id */
    public long idMsbAt(long off) {
        return map.get(LONG, off + ID_MSB_OFFSET);
    }

    /** @param off entry offset @return low 64 bits of the event id */
    public long idLsbAt(long off) {
        return map.get(LONG, off + ID_LSB_OFFSET);
    }

    /** @param off entry offset @return stream version */
    public long versionAt(long off) {
        return map.get(LONG, off + VERSION_OFFSET);
    }

    /** @param off entry offset @return entries of the same batch that follow */
    public int batchRemainingAt(long off) {
        return map.get(INT, off + BATCH_REMAINING_OFFSET);
    }

    /** @param off entry offset @return payload length */
    public int payloadLengthAt(long off) {
        return map.get(INT, off + PAYLOAD_LENGTH_OFFSET);
    }

    /** @param off entry offset @return metadata length (0: none) */
    public int metadataLengthAt(long off) {
        return map.get(INT, off + METADATA_LENGTH_OFFSET);
    }

    /** @param off entry offset @return {@link EntryDescriptor#KIND_EVENT} or {@link EntryDescriptor#KIND_TOMBSTONE} */
    public byte kindAt(long off) {
        return map.get(ValueLayout.JAVA_BYTE, off + KIND_OFFSET);
    }

    /** @param off entry offset @return UTF-8 length of the event type */
    public int typeLengthAt(long off) {
        return Short.toUnsignedInt(map.get(SHORT, off + TYPE_LENGTH_OFFSET));
    }

    /** @param off entry offset @return UTF-8 length of the entity id */
    public int entityLengthAt(long off) {
        return Short.toUnsignedInt(map.get(SHORT, off + ENTITY_LENGTH_OFFSET));
    }

    /** @param off entry offset @return UTF-8 length of the tenant id */
    public int tenantLengthAt(long off) {
        return Short.toUnsignedInt(map.get(SHORT, off + TENANT_LENGTH_OFFSET));
    }

    /** @param off entry offset @return field names persisted when the entry was written */
    public int dictionarySizeAt(long off) {
        return map.get(INT, off + DICTIONARY_SIZE_OFFSET);
    }

    /** @param off entry offset @return absolute offset of the event type bytes */
    public long typeOffsetAt(long off) {
        return off + stringsOffset(payloadLengthAt(off), metadataLengthAt(off));
    }

    /** @param off entry offset @return absolute offset of the entity id bytes */
    public long entityOffsetAt(long off) {
        return typeOffsetAt(off) + typeLengthAt(off);
    }

    /** @param off entry offset @return absolute offset of the tenant id bytes */
    public long tenantOffsetAt(long off) {
        return entityOffsetAt(off) + entityLengthAt(off);
    }

    /** @param off entry offset @return the entry's payload bytes (a slice, no copy) */
    public MemorySegment payloadAt(long off) {
        return map.asSlice(off + HEADER_LENGTH, payloadLengthAt(off));
    }

    /** @param off entry offset @return the metadata bytes (a slice), or {@code null} if none */
    public MemorySegment metadataAt(long off) {
        int len = metadataLengthAt(off);
        return len == 0 ? null : map.asSlice(off + metadataOffset(payloadLengthAt(off)), len);
    }

    /**
     * @param off entry offset
     * @return whether the CRC stored in the entry matches its bytes
     */
    public boolean crcMatches(long off) {
        return crcAt(off) == Crc.ofEntry(map, off, lengthAt(off));
    }

    @Override
    public void close() {
        try {
            arena.close();
        } finally {
            closeQuietly(channel);
        }
    }

    @Override
    public String toString() {
        return path.getFileName() + "[base " + basePosition + ", " + entryCount() + " entries]";
    }
}
