package dev.peregrine.store.log;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C over regions of a memory segment. {@link CRC32C} is intrinsified by HotSpot (SSE4.2 /
 * ARMv8 CRC instructions), so checking every entry on open costs little more than reading it.
 * Thread-safe: no shared state.
 */
public final class Crc {

    private Crc() {
    }

    /**
     * @param segment memory
     * @param offset first byte
     * @param length number of bytes
     * @return CRC-32C of those bytes
     */
    public static int of(MemorySegment segment, long offset, long length) {
        CRC32C crc = new CRC32C();
        crc.update(segment.asSlice(offset, length).asByteBuffer());
        return (int) crc.getValue();
    }

    /**
     * The checksum of a log entry as {@link EntryDescriptor} defines it: bytes [0, 4) then
     * [8, length), i.e. everything but the CRC field. Allocates; recovery and the sequencer use an
     * {@link EntryChecker} instead.
     *
     * @param segment the mapped segment
     * @param entryOffset offset of the entry
     * @param length the entry length
     * @return CRC-32C of the entry without its CRC field
     */
    public static int ofEntry(MemorySegment segment, long entryOffset, int length) {
        return entryCrc(new CRC32C(), segment.asSlice(entryOffset, length).asByteBuffer(), 0, length);
    }

    /**
     * The one place that says which bytes of an entry the CRC covers: the length field, then
     * everything after the CRC field (padding included), as {@link EntryDescriptor} documents.
     *
     * @param crc a CRC-32C, reset here
     * @param view bytes holding the entry at {@code off}; its position and limit are changed
     * @param off offset of the entry in {@code view}
     * @param length the entry length
     * @return the entry's checksum
     */
    private static int entryCrc(CRC32C crc, ByteBuffer view, int off, int length) {
        crc.reset();
        view.limit(off + EntryDescriptor.LENGTH_OFFSET + EntryDescriptor.LENGTH_LENGTH)
                .position(off + EntryDescriptor.LENGTH_OFFSET);
        crc.update(view);
        view.limit(off + length).position(off + EntryDescriptor.POSITION_OFFSET);
        crc.update(view);
        return (int) crc.getValue();
    }

    /**
     * Checks many entries of one segment without allocating per entry: one {@link CRC32C} and one
     * {@link ByteBuffer} view of the whole mapping, re-positioned for each entry. Used by recovery,
     * which checks every entry of every segment, and by the sequencer for every entry it writes.
     * Not thread-safe.
     */
    public static final class EntryChecker {
        private final CRC32C crc = new CRC32C();
        private final ByteBuffer view;

        /** @param segment the mapped segment whose entries this checks */
        public EntryChecker(MemorySegment segment) {
            this.view = segment.asByteBuffer();
        }

        /**
         * @param entryOffset offset of the entry
         * @param length entry length
         * @return the entry checksum as {@link Crc#ofEntry} defines it
         */
        public int ofEntry(long entryOffset, int length) {
            // A segment is at most Integer.MAX_VALUE bytes (LogSegment.open refuses larger ones).
            return entryCrc(crc, view, (int) entryOffset, length);
        }
    }
}
