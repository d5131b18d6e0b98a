package dev.peregrine.store.framing;

import static dev.peregrine.store.framing.FramingDescriptor.*;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.log.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file: the header, then CRC-framed records appended one after another
 * ({@link FramingDescriptor}). Used for data that is small next to the log and appended rarely (field
 * names, snapshots).
 *
 * <p>Recovery on open: every record is checked. A last record that is cut short or fails its CRC,
 * with no valid record after it, is an append a crash interrupted and is truncated (logged). A damaged
 * record followed by a valid one is corruption: a {@link CorruptFileException} naming the record's
 * offset, or, with {@code repair}, truncation there. A header cut short that is a prefix of the
 * expected header is a creation a crash interrupted and is written again.
 *
 * <p>Thread safety: {@link #append} and {@link #force} are synchronized; {@link #read} may run
 * concurrently with appends (positional reads of bytes already written).
 */
public final class RecordFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordFile.class);

    /** Receives each valid record found on open. */
    @FunctionalInterface
    public interface RecordVisitor {
        /**
         * @param offset the record's offset in the file (for {@link #read})
         * @param body the record's body
         */
        void visit(long offset, FileBody body);
    }

    private final Path path;
    private final FileChannel channel;
    private final int version;
    private long end;

    private RecordFile(Path path, FileChannel channel, int version, long end) {
        this.path = path;
        this.channel = channel;
        this.version = version;
        this.end = end;
    }

    /**
     * Opens (creating if missing) and reads every record, truncating a torn last record. A file in the
     * previous release's layout, when {@code format} reads version 1, is first rewritten atomically
     * with this framing's header and the same records.
     *
     * @param path the file
     * @param format its format
     * @param repair truncate at corruption instead of failing
     * @param visitor receives every valid record in order
     * @return the open file, positioned for appends
     * @throws CorruptFileException when the header or a record other than the last is damaged (and
     *                              {@code repair} is off, for records)
     * @throws UnsupportedFormatException when the file is of a version outside the format's range
     */
    public static RecordFile open(Path path, FileFormat format, boolean repair, RecordVisitor visitor) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            byte[] expected = format.header();
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(channel.size(), FileHeader.MAX_LENGTH));
            channel.read(start, 0);
            start.flip();
            if (isCutShort(start, expected)) {
                if (start.limit() > 0) {
                    LOG.warn("{}: header cut short at {} bytes (its creation was interrupted); writing it again", path,
                            start.limit());
                }
                channel.truncate(0);
                write(channel, ByteBuffer.wrap(expected), 0);
                channel.force(true);
                SegmentedLog.fsyncDirectory(path.toAbsolutePath().getParent());
                return new RecordFile(path, channel, format.currentVersion(), expected.length);
            }
            FileHeader header = FileHeader.read(path, start, format);
            if (header.version() == FileFormat.LEGACY_VERSION) {
                channel.close();
                upgrade(path, format);
                return open(path, format, repair, visitor);
            }
            long end = scan(path, channel, header, repair, visitor);
            return new RecordFile(path, channel, header.version(), end);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageFailureException("cannot open", path, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** @return whether the file's first bytes are all it holds, and a prefix of the header it should start with */
    private static boolean isCutShort(ByteBuffer start, byte[] expected) {
        int n = start.limit();
        return n < expected.length && Arrays.equals(start.array(), 0, n, expected, 0, n);
    }

    /**
     * Rewrites a file in the previous release's layout (a 16-byte header, then records framed as
     * today) with this framing's header and the same record bytes, atomically.
     */
    private static void upgrade(Path path, FileFormat format) throws IOException {
        try (FileChannel old = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = old.size();
            ByteBuffer header = ByteBuffer.allocate(LEGACY_RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            old.read(header, 0);
            if (header.position() < LEGACY_RECORD_HEADER_LENGTH) {
                throw new CorruptFileException(path, header.position(), "a previous-release header of "
                        + LEGACY_RECORD_HEADER_LENGTH + " bytes", "the file ends after " + header.position());
            }
            CRC32C crc = new CRC32C();
            crc.update(header.array(), 0, LEGACY_RECORD_HEADER_CRC_OFFSET);
            int stored = header.getInt(LEGACY_RECORD_HEADER_CRC_OFFSET);
            if (stored != (int) crc.getValue()) {
                throw new CorruptFileException(path, LEGACY_RECORD_HEADER_CRC_OFFSET,
                        "header CRC-32C " + FileBody.hex((int) crc.getValue()), FileBody.hex(stored));
            }
            int version = header.getInt(LEGACY_RECORD_VERSION_OFFSET);
            if (version != FileFormat.LEGACY_VERSION) {
                throw new UnsupportedFormatException(path, version, format.oldestVersion(), format.currentVersion());
            }
            AtomicFile.replace(path, channel -> {
                byte[] fresh = format.header();
                write(channel, ByteBuffer.wrap(fresh), 0);
                long copied = 0;
                while (copied < size - LEGACY_RECORD_HEADER_LENGTH) {
                    copied += old.transferTo(LEGACY_RECORD_HEADER_LENGTH + copied,
                            size - LEGACY_RECORD_HEADER_LENGTH - copied, channel.position(fresh.length + copied));
                }
            });
            LOG.info("{}: upgraded from the previous release's layout (version 1) to version {}", path,
                    format.currentVersion());
        }
    }

    private static long scan(Path path, FileChannel channel, FileHeader header, boolean repair, RecordVisitor visitor)
            throws IOException {
        long size = channel.size();
        long off = header.length();
        ByteBuffer frame = ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        while (off < size) {
            byte[] body = readValid(channel, off, size, frame);
            if (body == null) {
                if (validRecordAfter(channel, off + 1, size)) {
                    CorruptFileException e = new CorruptFileException(path, off, "a record whose CRC-32C matches",
                            "a damaged record followed by valid ones");
                    if (!repair) {
                        throw e;
                    }
                    LOG.warn("repair: {}; truncating at offset {}", e.getMessage(), off);
                } else {
                    LOG.warn("truncating torn last record of {} at offset {} ({} bytes)", path, off, size - off);
                }
                channel.truncate(off);
                channel.force(true);
                return off;
            }
            visitor.visit(off, FileBody.of(path, header.version(), body, off + RECORD_HEADER_LENGTH));
            off += RECORD_HEADER_LENGTH + body.length;
        }
        return off;
    }

    /** @return the body of the valid record at {@code off}, or null (its frame is left in {@code frame}) */
    private static byte[] readValid(FileChannel channel, long off, long size, ByteBuffer frame) throws IOException {
        frame.clear();
        if (off + RECORD_HEADER_LENGTH > size) {
            frame.putInt(RECORD_CRC_OFFSET, 0);
            return null;
        }
        channel.read(frame, off);
        long length = Integer.toUnsignedLong(frame.getInt(RECORD_LENGTH_OFFSET));
        if (off + RECORD_HEADER_LENGTH + length > size) {
            return null;
        }
        byte[] body = new byte[(int) length];
        channel.read(ByteBuffer.wrap(body), off + RECORD_HEADER_LENGTH);
        return recordCrc(frame.array(), body) == frame.getInt(RECORD_CRC_OFFSET) ? body : null;
    }

    /** The record CRC: its length field, then its body. */
    private static int recordCrc(byte[] frame, byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(frame, RECORD_LENGTH_OFFSET, RECORD_LENGTH_LENGTH);
        crc.update(body);
        return (int) crc.getValue();
    }

    private static boolean validRecordAfter(FileChannel channel, long from, long size) throws IOException {
        ByteBuffer probe = ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        for (long at = from; at + RECORD_HEADER_LENGTH <= size; at++) {
            if (readValid(channel, at, size, probe) != null) {
                return true;
            }
        }
        return false;
    }

    private static void write(FileChannel channel, ByteBuffer bytes, long at) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes, at + bytes.position());
        }
    }

    /**
     * Appends one record (not forced).
     *
     * @param body the record's body
     * @return the record's offset
     */
    public synchronized long append(byte[] body) {
        ByteBuffer frame = ByteBuffer.allocate(RECORD_HEADER_LENGTH + body.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(RECORD_LENGTH_OFFSET, body.length);
        frame.put(RECORD_HEADER_LENGTH, body);
        frame.putInt(RECORD_CRC_OFFSET, recordCrc(frame.array(), body));
        long at = end;
        try {
            write(channel, frame, at);
        } catch (IOException e) {
            throw new StorageFailureException("cannot append", path, e);
        }
        end = at + frame.capacity();
        return at;
    }

    /**
     * Reads the body of the record at {@code offset}, verifying its CRC.
     *
     * @param offset an offset returned by {@link #append} or given to the visitor
     * @return the body
     * @throws CorruptFileException if the record fails its CRC
     */
    public FileBody read(long offset) {
        try {
            ByteBuffer frame = ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            byte[] body = readValid(channel, offset, channel.size(), frame);
            if (body == null) {
                throw new CorruptFileException(path, offset, "a record whose CRC-32C matches",
                        "a record that fails its CRC-32C " + FileBody.hex(frame.getInt(RECORD_CRC_OFFSET)));
            }
            return FileBody.of(path, version, body, offset + RECORD_HEADER_LENGTH);
        } catch (IOException e) {
            throw new StorageFailureException("cannot read", path, e);
        }
    }

    /** Forces appended records to stable storage. */
    public synchronized void force() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new StorageFailureException("cannot force", path, e);
        }
    }

    /** @return file size in bytes */
    public synchronized long size() {
        return end;
    }

    @Override
    public synchronized void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after a failure; the original error is reported
            }
        }
    }
}
