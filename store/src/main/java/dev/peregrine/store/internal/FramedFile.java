package dev.peregrine.store.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.log.SegmentedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import static dev.peregrine.store.internal.FramedFileDescriptor.*;

/**
 * An append-only file of CRC-framed records ({@link FramedFileDescriptor}), written through a
 * {@link FileChannel}. Used for data that is small next to the log and appended rarely: field names
 * and snapshots.
 *
 * <p>Thread safety: {@link #append} and {@link #force} are synchronized; {@link #read} may run
 * concurrently with appends (positional reads of bytes already written).
 */
public final class FramedFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FramedFile.class);

    /** Receives each valid record found on open. */
    @FunctionalInterface
    public interface RecordVisitor {
        /**
         * @param offset the record's offset in the file (for {@link #read})
         * @param body the record body
         */
        void visit(long offset, byte[] body);
    }

    private final Path path;
    private final FileChannel channel;
    private long end;

    private FramedFile(Path path, FileChannel channel, long end) {
        this.path = path;
        this.channel = channel;
        this.end = end;
    }

    /**
     * Opens (creating if missing) and reads every record, truncating a torn last record.
     *
     * @param path the file
     * @param magic the magic this kind of file must carry
     * @param repair truncate at corruption instead of failing
     * @param visitor receives every valid record in order
     * @return the open file, positioned for appends
     * @throws CorruptFileException when a record other than the last is damaged and {@code repair} is off
     */
    public static FramedFile open(Path path, long magic, boolean repair, RecordVisitor visitor) {
        FileChannel channel = null;
        try {
            boolean fresh = !Files.exists(path);
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (fresh || channel.size() < HEADER_LENGTH) {
                writeHeader(channel, magic);
                SegmentedLog.fsyncDirectory(path.toAbsolutePath().getParent());
                return new FramedFile(path, channel, HEADER_LENGTH);
            }
            checkHeader(path, channel, magic);
            long end = scan(path, channel, repair, visitor);
            return new FramedFile(path, channel, end);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageFailureException("cannot open", path, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void writeHeader(FileChannel channel, long magic) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(MAGIC_OFFSET, magic).putInt(VERSION_OFFSET, FORMAT_VERSION);
        header.putInt(HEADER_CRC_OFFSET, crc(header, 0, HEADER_CRC_OFFSET));
        channel.truncate(0);
        channel.write(header, 0);
        channel.force(true);
    }

    private static void checkHeader(Path path, FileChannel channel, long magic) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(header, 0);
        int stored = header.getInt(HEADER_CRC_OFFSET);
        int actual = crc(header, 0, HEADER_CRC_OFFSET);
        if (header.getLong(MAGIC_OFFSET) != magic || stored != actual) {
            throw new CorruptFileException(path, 0, "a header with magic 0x%016x and CRC-32C 0x%08x".formatted(magic, actual),
                    "magic 0x%016x and CRC-32C 0x%08x".formatted(header.getLong(MAGIC_OFFSET), stored));
        }
        int version = header.getInt(VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new UnsupportedFormatException(path, version, FORMAT_VERSION, FORMAT_VERSION);
        }
    }

    private static long scan(Path path, FileChannel channel, boolean repair, RecordVisitor visitor) throws IOException {
        long size = channel.size();
        long off = HEADER_LENGTH;
        ByteBuffer frame = ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        while (off < size) {
            byte[] body = readValid(channel, off, size, frame);
            if (body == null) {
                int stored = frame.getInt(RECORD_CRC_OFFSET);
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
            visitor.visit(off, body);
            off += RECORD_HEADER_LENGTH + body.length;
        }
        return off;
    }

    /** @return the body of the valid record at {@code off}, or null (the frame is left in {@code frame}) */
    private static byte[] readValid(FileChannel channel, long off, long size, ByteBuffer frame) throws IOException {
        if (off + RECORD_HEADER_LENGTH > size) {
            frame.clear().putInt(RECORD_CRC_OFFSET, 0);
            return null;
        }
        frame.clear();
        channel.read(frame, off);
        long length = Integer.toUnsignedLong(frame.getInt(RECORD_LENGTH_OFFSET));
        if (off + RECORD_HEADER_LENGTH + length > size) {
            return null;
        }
        byte[] body = new byte[(int) length];
        channel.read(ByteBuffer.wrap(body), off + RECORD_HEADER_LENGTH);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), RECORD_LENGTH_OFFSET, RECORD_LENGTH_LENGTH);
        crc.update(body);
        return (int) crc.getValue() == frame.getInt(RECORD_CRC_OFFSET) ? body : null;
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

    private static int crc(ByteBuffer buffer, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), from, to - from);
        return (int) crc.getValue();
    }

    /**
     * Appends one record (not forced).
     *
     * @param body the record body
     * @return the record's offset
     */
    public synchronized long append(byte[] body) {
        ByteBuffer frame = ByteBuffer.allocate(RECORD_HEADER_LENGTH + body.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(RECORD_LENGTH_OFFSET, body.length);
        frame.put(RECORD_HEADER_LENGTH, body);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), RECORD_LENGTH_OFFSET, RECORD_LENGTH_LENGTH);
        crc.update(body);
        frame.putInt(RECORD_CRC_OFFSET, (int) crc.getValue());
        long at = end;
        try {
            while (frame.hasRemaining()) {
                channel.write(frame, at + frame.position());
            }
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
     */
    public byte[] read(long offset) {
        try {
            ByteBuffer frame = ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            byte[] body = readValid(channel, offset, channel.size(), frame);
            if (body == null) {
                throw new CorruptFileException(path, offset, "a record whose CRC-32C matches",
                        "a record that fails its CRC-32C 0x%08x".formatted(frame.getInt(RECORD_CRC_OFFSET)));
            }
            return body;
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
