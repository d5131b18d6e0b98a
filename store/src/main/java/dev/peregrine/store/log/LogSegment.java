package dev.peregrine.store.log;

import dev.peregrine.store.CorruptLogException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.index.IndexMemory;
import dev.peregrine.store.index.LongPagedList;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.peregrine.store.log.EntryDescriptor.*;

/**
 * One segment file: a header ({@link SegmentHeaderDescriptor}) followed by entries
 * ({@link EntryDescriptor}), preallocated to a fixed size and mapped read-only with the FFM API for
 * the whole life of the store (or until a scavenge replaces it with a rewritten copy). Also owns the segment's dense offset index: offset of the entry at
 * {@code basePosition + i} is element {@code i}. That index lives only on the heap (8 bytes per
 * entry) and is rebuilt by recovery or loaded from the index checkpoint.
 *
 * <p>Files are named {@code <base position, 20 digits>.seg}. Every block is allocated when the file
 * is created ({@link SpaceAllocator} says why: a full disk must be an error, never a fault in the
 * mapping), and the name, size and header are fsynced then. Segments that an older release left
 * sparse are allocated before their next write ({@link #prepareForWrites()}).
 *
 * <p>Entries are written with positional writes to the file ({@link #writeAt}, staged by
 * {@link EntryWriter}, which says why not through the mapping) and read through a read-only mapping:
 * both are the same page cache. Nothing is ever stored through the mapping, so a failed write is an
 * {@link IOException}, never a {@code SIGBUS}.
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
    private final MemorySegment map;
    private final long basePosition;
    /** {@link SegmentHeaderDescriptor#FORMAT_VERSION}, or {@code REWRITTEN_VERSION} after a scavenge. */
    private final int formatVersion;
    private final LongPagedList offsets;
    /** Next free byte; sequencer (or loader) only. */
    private int writeOffset = SegmentHeaderDescriptor.HEADER_LENGTH;
    /** Whether every block of the file is allocated (see {@link SpaceAllocator}); sequencer or loader only. */
    private boolean allocated;
    /**
     * End of bytes after {@link #writeOffset} that may hold leftovers of a write that failed or was
     * dropped, and must be zeroed before the next entry is written ({@link #prepareForWrites()});
     * 0 when there are none. Sequencer or loader only.
     */
    private long dirtyEnd;

    private LogSegment(Path path, FileChannel channel, MemorySegment map, long basePosition, int formatVersion,
                       IndexMemory indexMemory) {
        this.offsets = new LongPagedList(indexMemory);
        this.path = path;
        this.channel = channel;
        this.map = map;
        this.basePosition = basePosition;
        this.formatVersion = formatVersion;
    }

    /**
     * The mapping's lifetime. An automatic arena, not one closed with the segment: a scavenge replaces
     * a segment while readers on other threads may still hold {@link dev.peregrine.store.StoredEvent}
     * views into the old mapping (a page of query results being rendered, a subscriber's event), and
     * those must stay readable. The garbage collector unmaps a mapping once nothing refers to it, which
     * is also when the space of a replaced (deleted) file returns to the file system.
     */
    private static Arena mappingArena() {
        return Arena.ofAuto();
    }

    /**
     * Creates a new segment file, allocates all of its blocks, writes its header, fsyncs it and maps
     * it. The caller fsyncs the directory. If any step fails (for example because the disk is full),
     * the file is deleted again and nothing of it remains; a file that already existed is left alone.
     *
     * @param path file to create (must not exist)
     * @param basePosition position of the first entry it will hold
     * @param bytes file size
     * @param indexMemory where its offset index is kept
     * @return the open segment
     * @throws StorageFailureException with {@link StorageFailureException.Outcome#NOT_WRITTEN} if the
     *         file cannot be created
     */
    public static LogSegment create(Path path, long basePosition, int bytes, IndexMemory indexMemory) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            SpaceAllocator.allocate(path, channel, 0, bytes);
            ByteBuffer header = SegmentHeaderDescriptor.encode(basePosition, bytes, System.currentTimeMillis());
            while (header.hasRemaining()) {
                channel.write(header, header.position());
            }
            channel.force(true); // the header, the file's size and its allocated blocks
            MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes, mappingArena());
            LogSegment segment = new LogSegment(path, channel, map, basePosition, SegmentHeaderDescriptor.FORMAT_VERSION,
                    indexMemory);
            segment.allocated = true;
            return segment;
        } catch (IOException e) {
            if (channel != null) { // this call created the file: remove it; never a file that was there before
                closeQuietly(channel);
                deleteQuietly(path);
            }
            throw new StorageFailureException("cannot create segment: " + e.getMessage(), path, e,
                    StorageFailureException.Outcome.NOT_WRITTEN);
        }
    }

    /**
     * Maps an existing segment file and validates its header.
     *
     * @param path the file
     * @param indexMemory where its offset index is kept
     * @return the open segment, with no entries indexed yet (the loader scans them)
     * @throws CorruptLogException if the header is not a valid segment header
     * @throws UnsupportedFormatException if the segment is of a format version this build does not read
     */
    public static LogSegment open(Path path, IndexMemory indexMemory) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = channel.size();
            if (size < SegmentHeaderDescriptor.HEADER_LENGTH || size > Integer.MAX_VALUE) {
                throw new CorruptLogException(path, 0, 0, 0, "segment file size " + size + " is out of range");
            }
            MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, mappingArena());
            int stored = map.get(INT, SegmentHeaderDescriptor.CRC_OFFSET);
            int actual = Crc.of(map, 0, SegmentHeaderDescriptor.CRC_OFFSET);
            if (map.get(LONG, SegmentHeaderDescriptor.MAGIC_OFFSET) != SegmentHeaderDescriptor.MAGIC || stored != actual) {
                throw new CorruptLogException(path, 0, stored, actual, "not a valid segment header");
            }
            int version = map.get(INT, SegmentHeaderDescriptor.VERSION_OFFSET);
            if (version != SegmentHeaderDescriptor.FORMAT_VERSION && version != SegmentHeaderDescriptor.REWRITTEN_VERSION) {
                throw new UnsupportedFormatException(path, version, SegmentHeaderDescriptor.FORMAT_VERSION,
                        SegmentHeaderDescriptor.REWRITTEN_VERSION);
            }
            long base = map.get(LONG, SegmentHeaderDescriptor.BASE_POSITION_OFFSET);
            return new LogSegment(path, channel, map, base, version, indexMemory);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageFailureException("cannot open segment", path, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // already failing; a leftover empty file is deleted by the next recovery (see LogLoader)
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

    /** @return the segment's format version: whether a scavenge rewrote it (see {@link SegmentHeaderDescriptor}) */
    public int formatVersion() {
        return formatVersion;
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
     * Claims {@code length} bytes for a new entry. Sequencer only, through
     * {@link EntryWriter#stage}; the caller checked {@link #remaining()}.
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
     * Forgets entries from index {@code keep} on and moves the write offset back to {@code fromOffset};
     * the bytes in {@code [fromOffset, endOffset)} are zeroed (so that a later scan cannot mistake them
     * for entries) now, or, if that write fails, before the next entry is written. Loader only, before
     * the store is open.
     *
     * @param keep number of leading entries to keep
     * @param fromOffset where the dropped bytes begin
     * @param endOffset where they end (exclusive)
     * @return whether the bytes are zeroed already
     */
    boolean truncate(int keep, int fromOffset, long endOffset) {
        offsets.truncate(keep);
        discard(fromOffset, endOffset);
        try {
            prepareForWrites();
            force();
            return true;
        } catch (StorageFailureException e) {
            return false; // retried before the next write; until then nothing is written after them
        }
    }

    /**
     * Gives back the space of a write that failed: the write offset returns to {@code fromOffset}, and
     * whatever part of the write reached the file is zeroed before the next entry is written.
     * Sequencer only.
     *
     * @param fromOffset the failed write's first byte
     * @param endOffset the end of the failed write (exclusive)
     */
    void discard(int fromOffset, long endOffset) {
        writeOffset = fromOffset;
        dirtyEnd = Math.max(dirtyEnd, endOffset);
    }

    /**
     * Makes the segment ready for the next entry: allocates its blocks if a previous release left it
     * sparse, and zeroes leftovers of a failed or dropped write. Sequencer or loader only.
     *
     * @throws StorageFailureException with {@link StorageFailureException.Outcome#NOT_WRITTEN} if that
     *         fails (for example, the disk is full); nothing was written, and the call may be retried
     */
    public void prepareForWrites() {
        try {
            if (!allocated) {
                SpaceAllocator.allocate(path, channel, writeOffset, map.byteSize() - writeOffset);
                allocated = true;
            }
            if (dirtyEnd > writeOffset) {
                zero(writeOffset, dirtyEnd);
            }
            dirtyEnd = 0;
        } catch (IOException e) {
            throw new StorageFailureException("cannot prepare the segment for writes: " + e.getMessage(), path, e,
                    StorageFailureException.Outcome.NOT_WRITTEN);
        }
    }

    /**
     * Writes zeros over every page of {@code [from, end)} that is not zero already, with positional
     * writes: zero pages (holes of a sparse file among them) are only read, and nothing is ever stored
     * through the mapping.
     */
    private void zero(long from, long end) throws IOException {
        final int page = 4096;
        MemorySegment zeroPage = Arena.ofAuto().allocate(page);
        for (long at = from; at < end; ) {
            long next = Math.min(end, (at / page + 1) * page);
            int n = (int) (next - at);
            if (map.asSlice(at, n).mismatch(zeroPage.asSlice(0, n)) >= 0) {
                ByteBuffer zeros = zeroPage.asSlice(0, n).asByteBuffer();
                while (zeros.hasRemaining()) {
                    channel.write(zeros, at + zeros.position());
                }
            }
            at = next;
        }
    }

    /**
     * Writes bytes to the file at {@code offset} (into the page cache; {@link #force()} makes them
     * durable). Sequencer only.
     *
     * @param offset file offset, inside the claimed region
     * @param bytes the bytes
     * @throws StorageFailureException with {@link StorageFailureException.Outcome#NOT_WRITTEN}: the
     *         caller {@linkplain #discard discards} the region, nothing of it is ever acknowledged
     */
    void writeAt(long offset, MemorySegment bytes) {
        ByteBuffer source = bytes.asByteBuffer();
        try {
            while (source.hasRemaining()) {
                channel.write(source, offset + source.position());
            }
        } catch (IOException e) {
            throw new StorageFailureException("write failed: " + e.getMessage(), path, e,
                    StorageFailureException.Outcome.NOT_WRITTEN);
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

    /**
     * @param position a position in this segment that is written
     * @return the offset just past its entry: this segment's used bytes if it is the last entry read
     */
    public long endOf(long position) {
        long off = offsetOf(position);
        return off + lengthAt(off);
    }

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

    /** @param off entry offset @return {@link EntryDescriptor#KIND_EVENT}, {@code KIND_TOMBSTONE} or {@code KIND_REMOVED} */
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

    /** @param off entry offset @return absolute offset of the payload bytes in {@link #memory()} */
    public long payloadOffsetAt(long off) {
        return off + HEADER_LENGTH;
    }

    /** @param off entry offset @return the entry's payload bytes (a slice, no copy) */
    public MemorySegment payloadAt(long off) {
        return map.asSlice(payloadOffsetAt(off), payloadLengthAt(off));
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

    /**
     * Drops the mapping's pages from this process's resident set ({@link MemorySegment#unload()}:
     * {@code madvise(MADV_DONTNEED)} on Linux). Nothing is lost and readers may go on at any moment:
     * a read-only mapping of a file holds no data of its own, and the next read of a page maps it
     * again from the page cache (or the file). Any thread.
     */
    public void releaseResident() {
        map.unload();
    }

    /** Closes the file; the mapping stays readable until nothing refers to it ({@link #mappingArena()}). */
    @Override
    public void close() {
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return path.getFileName() + "[base " + basePosition + ", " + entryCount() + " entries]";
    }
}
