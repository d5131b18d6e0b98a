package dev.peregrine.store.log;

import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.index.IndexMemory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

import static dev.peregrine.store.log.EntryDescriptor.*;

/**
 * Rewrites one sealed segment without the payloads of removed events, keeping every position.
 *
 * <p><b>The layout of a rewritten segment</b> (format version
 * {@link SegmentHeaderDescriptor#REWRITTEN_VERSION}): the same header and the same entries, one per
 * position of the original, in order, back to back, with nothing after the last one (the file is
 * exactly as long as its entries, and the header's segment bytes say so). A retained entry is copied
 * byte for byte. A removed event becomes a <em>removed entry</em> ({@link EntryDescriptor#KIND_REMOVED}):
 * its 72-byte header with the payload and metadata lengths set to 0 and the kind set to 3, then its
 * three strings, padded to 8, and a new CRC-32C over it. Positions stay contiguous inside the file, so
 * recovery, the indexes (rebuilt or loaded), a backup's copy of a prefix by position and every reader
 * that walks positions treat a rewritten segment exactly like any other; a removed entry is simply not
 * an event.
 *
 * <p><b>The protocol</b>, crash-safe at every step: the copy is written to
 * {@code <segment>.seg.scavenge} (a name recovery does not read as a segment, and deletes), forced,
 * then read back and checked entry by entry against the original ({@link #write}); only then is it
 * renamed over the original with an atomic rename and the directory forced ({@link #install}). A
 * crash before the rename leaves the original; after it, the copy, which holds every retained entry
 * byte for byte. A crash in between cannot leave half of either: the rename is atomic.
 *
 * <p>Thread safety: {@link #write} reads a sealed segment, which nothing writes any more, and may run
 * on any thread; {@link #install} must not run concurrently with another install or a backup's copy
 * of the same file (the caller serializes them).
 */
public final class SegmentRewriter {

    /** Suffix of a copy being written; such files are leftovers after a crash and are deleted on open. */
    public static final String TEMP_SUFFIX = ".scavenge";
    private static final int BUFFER_BYTES = 1 << 20;

    /** Told the bytes written, so that the caller can pace the rewrite. */
    @FunctionalInterface
    public interface Pacer {
        /**
         * @param bytes bytes just written
         * @throws InterruptedException if the caller's thread is interrupted while pausing
         */
        void wrote(long bytes) throws InterruptedException;
    }

    /**
     * A rewritten copy, written, forced and checked, not yet in place.
     *
     * @param segment the original
     * @param copy the copy's file
     * @param removed events the copy no longer holds the payload of
     * @param bytesBefore the original file's size
     * @param bytesAfter the copy's size
     */
    public record Copy(LogSegment segment, Path copy, int removed, long bytesBefore, long bytesAfter) {
    }

    private SegmentRewriter() {
    }

    /**
     * Writes the rewritten copy of {@code segment}.
     *
     * @param segment a sealed segment (every entry written, none to come)
     * @param removes whether the event at a position is to be removed; asked once per event entry
     * @param pacer told the bytes written
     * @param stop polled between entries: when it answers true the copy is abandoned
     * @return the copy, or empty if no event is to be removed or {@code stop} said so (then no file is left)
     * @throws StorageFailureException if the copy cannot be written; the original is untouched
     * @throws InterruptedException if interrupted while pacing (the copy is deleted)
     */
    public static Optional<Copy> write(LogSegment segment, LongPredicate removes, Pacer pacer, BooleanSupplier stop)
            throws InterruptedException {
        int count = segment.entryCount();
        boolean[] removed = new boolean[count];
        int removedCount = 0;
        long size = SegmentHeaderDescriptor.HEADER_LENGTH;
        for (int i = 0; i < count; i++) {
            long off = segment.offsets().get(i);
            if (segment.kindAt(off) == KIND_EVENT && removes.test(segment.basePosition() + i)) {
                removed[i] = true;
                removedCount++;
                size += removedLength(segment, off);
            } else {
                size += segment.lengthAt(off);
            }
        }
        if (removedCount == 0 || stop.getAsBoolean()) {
            return Optional.empty();
        }
        Path copy = segment.path().resolveSibling(segment.path().getFileName() + TEMP_SUFFIX);
        boolean done = false;
        try {
            Files.deleteIfExists(copy);
            try (FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (!copyEntries(segment, removed, size, out, pacer, stop)) {
                    return Optional.empty();
                }
                out.force(true);
            }
            verify(segment, removed, copy, size);
            done = true;
            return Optional.of(new Copy(segment, copy, removedCount, segment.capacity(), size));
        } catch (IOException e) {
            throw new StorageFailureException("cannot write the rewritten segment: " + e.getMessage(), copy, e);
        } finally {
            if (!done) {
                deleteQuietly(copy);
            }
        }
    }

    /**
     * Puts a checked copy in place: renames it over the original (atomically), forces the directory,
     * opens it and hands it to the log in place of the original.
     *
     * @param log the log holding the original
     * @param copy a copy from {@link #write}
     * @return the segment now in the log
     * @throws StorageFailureException if the rename or the open fails; the log keeps reading the
     *         original's mapping until the store is reopened
     */
    public static LogSegment install(SegmentedLog log, Copy copy) {
        Path target = copy.segment().path();
        try {
            // No fallback to a plain move: only an atomic rename leaves one whole file after a crash.
            Files.move(copy.copy(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(copy.copy());
            throw new StorageFailureException("cannot rename the rewritten segment into place", target, e);
        }
        SegmentedLog.fsyncDirectory(target.getParent());
        LogSegment replacement = LogSegment.open(target, log.indexMemory());
        long off = SegmentHeaderDescriptor.HEADER_LENGTH;
        while (off < replacement.capacity()) { // checked entry by entry in write(), before the rename
            replacement.indexEntry(off);
            off += replacement.lengthAt(off);
        }
        replacement.recoveredTo((int) off);
        log.replace(copy.segment(), replacement);
        return replacement;
    }

    /** @return the length of the removed entry that stands for the event at {@code off} */
    private static int removedLength(LogSegment s, long off) {
        return entryLength(0, 0, s.typeLengthAt(off) + s.entityLengthAt(off) + s.tenantLengthAt(off));
    }

    /** @return false if {@code stop} said to abandon the copy */
    private static boolean copyEntries(LogSegment segment, boolean[] removed, long size, FileChannel out, Pacer pacer,
                                       BooleanSupplier stop) throws IOException, InterruptedException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment staging = MemorySegment.ofBuffer(buffer);
        long[] written = {0};
        buffer.put(SegmentHeaderDescriptor.encode(SegmentHeaderDescriptor.REWRITTEN_VERSION, segment.basePosition(),
                size, System.currentTimeMillis()));
        MemorySegment map = segment.memory();
        for (int i = 0; i < removed.length; i++) {
            if (stop.getAsBoolean()) {
                return false;
            }
            long off = segment.offsets().get(i);
            int length = removed[i] ? removedLength(segment, off) : segment.lengthAt(off);
            if (buffer.remaining() < length) {
                pacer.wrote(drain(buffer, out, written));
            }
            if (length > buffer.capacity()) { // an entry larger than the buffer: straight from the mapping
                ByteBuffer whole = map.asSlice(off, length).asByteBuffer();
                while (whole.hasRemaining()) {
                    written[0] += out.write(whole, written[0]);
                }
                pacer.wrote(length);
                continue;
            }
            int at = buffer.position();
            if (removed[i]) {
                encodeRemoved(segment, off, staging, at, length);
            } else {
                MemorySegment.copy(map, off, staging, at, length);
            }
            buffer.position(at + length);
        }
        pacer.wrote(drain(buffer, out, written));
        return written[0] == size;
    }

    /** Writes the removed entry for the event at {@code off} into {@code to} at {@code at}. */
    private static void encodeRemoved(LogSegment s, long off, MemorySegment to, int at, int length) {
        to.asSlice(at, length).fill((byte) 0); // the padding
        MemorySegment.copy(s.memory(), off, to, at, HEADER_LENGTH);
        to.set(LogSegment.INT, at + LENGTH_OFFSET, length);
        to.set(LogSegment.INT, at + PAYLOAD_LENGTH_OFFSET, 0);
        to.set(LogSegment.INT, at + METADATA_LENGTH_OFFSET, 0);
        to.set(ValueLayout.JAVA_BYTE, at + KIND_OFFSET, KIND_REMOVED);
        int strings = s.typeLengthAt(off) + s.entityLengthAt(off) + s.tenantLengthAt(off);
        MemorySegment.copy(s.memory(), s.typeOffsetAt(off), to, at + stringsOffset(0, 0), strings);
        to.set(LogSegment.INT, at + CRC_OFFSET, Crc.ofEntry(to, at, length));
    }

    private static int drain(ByteBuffer buffer, FileChannel out, long[] written) throws IOException {
        buffer.flip();
        int n = buffer.remaining();
        while (buffer.hasRemaining()) {
            written[0] += out.write(buffer, written[0]);
        }
        buffer.clear();
        return n;
    }

    /**
     * Reads the forced copy back and checks it against the original: a valid header of the rewritten
     * version, one entry per original position with a matching CRC-32C, retained entries identical
     * byte for byte, removed ones keeping every field but the payload and metadata. A copy that fails
     * is a bug, and is never renamed into place.
     */
    private static void verify(LogSegment original, boolean[] removed, Path copy, long size) {
        LogSegment check = LogSegment.open(copy, IndexMemory.HEAP); // read once, then closed
        try {
            if (check.capacity() != size || check.basePosition() != original.basePosition()
                    || check.formatVersion() != SegmentHeaderDescriptor.REWRITTEN_VERSION) {
                throw mismatch(copy, 0, "header of the rewritten segment");
            }
            MemorySegment was = original.memory();
            MemorySegment now = check.memory();
            long at = SegmentHeaderDescriptor.HEADER_LENGTH;
            for (int i = 0; i < removed.length; i++) {
                long off = original.offsets().get(i);
                int length = check.lengthAt(at);
                if (length < HEADER_LENGTH || at + length > size || !check.crcMatches(at)
                        || check.positionAt(at) != original.basePosition() + i) {
                    throw mismatch(copy, at, "entry for position " + (original.basePosition() + i));
                }
                boolean same = removed[i]
                        ? check.kindAt(at) == KIND_REMOVED
                        && MemorySegment.mismatch(was, off + POSITION_OFFSET, off + BATCH_REMAINING_OFFSET + 4,
                                now, at + POSITION_OFFSET, at + BATCH_REMAINING_OFFSET + 4) < 0
                        && MemorySegment.mismatch(was, off + TYPE_LENGTH_OFFSET, off + HEADER_LENGTH,
                                now, at + TYPE_LENGTH_OFFSET, at + HEADER_LENGTH) < 0
                        && MemorySegment.mismatch(was, original.typeOffsetAt(off), original.typeOffsetAt(off)
                                + length - stringsOffset(0, 0), now, check.typeOffsetAt(at), at + length) < 0
                        : length == original.lengthAt(off) && MemorySegment.mismatch(was, off, off + length, now, at,
                                at + length) < 0;
                if (!same) {
                    throw mismatch(copy, at, "content of position " + (original.basePosition() + i));
                }
                at += length;
            }
            if (at != size) {
                throw mismatch(copy, at, "end of the rewritten segment");
            }
        } finally {
            check.close();
        }
    }

    private static IllegalStateException mismatch(Path copy, long offset, String what) {
        return new IllegalStateException("rewritten segment " + copy.getFileName() + " does not match its original at "
                + "offset " + offset + ": " + what + "; it is discarded and the original kept");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover copy is deleted when the store next opens
        }
    }
}
