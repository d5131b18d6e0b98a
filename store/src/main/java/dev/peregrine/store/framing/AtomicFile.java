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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A file that is rewritten whole and replaced atomically: header, body, footer
 * ({@link FramingDescriptor}). {@link #write} streams {@code <name>.tmp} in one pass, forces it,
 * renames it over {@code <name>} and forces the directory, so after a crash a reader finds the old
 * complete file or the new complete one, never a mix, and never a file whose rename is not durable.
 * {@link #read} checks the header and then the footer CRC over the whole file before a byte of the
 * body is trusted. Every whole-file state of the store goes through this class.
 *
 * <p>Thread safety: stateless; a given file has one writer at a time (its owner's lock).
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    /** Writes a body. */
    @FunctionalInterface
    public interface BodyWriter {
        /**
         * @param out where to write
         * @throws IOException on a write failure
         */
        void write(Output out) throws IOException;
    }

    /** Writes the whole content of a replacement file. */
    @FunctionalInterface
    interface ContentWriter {
        /**
         * @param channel the temporary file, empty, to write from offset 0
         * @throws IOException on a write failure
         */
        void write(FileChannel channel) throws IOException;
    }

    /**
     * Replaces {@code path} atomically with a file of {@code format} at its current version.
     *
     * @param path the file
     * @param format its format
     * @param body writes the body
     * @throws StorageFailureException naming the file if it cannot be written; the old file is intact
     */
    public static void write(Path path, FileFormat format, BodyWriter body) {
        replace(path, channel -> {
            Output out = new Output(channel);
            out.put(format.header());
            body.write(out);
            out.putInt(FOOTER_MAGIC);
            out.flush();
            ByteBuffer crc = ByteBuffer.allocate(FOOTER_CRC_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            crc.putInt(0, out.crc());
            while (crc.hasRemaining()) {
                channel.write(crc, out.written() + crc.position());
            }
        });
    }

    /**
     * The replacement protocol: write {@code <name>.tmp}, force it, rename it over {@code path}, force
     * the directory.
     */
    static void replace(Path path, ContentWriter content) {
        Path tmp = temporary(path);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            content.write(channel);
            channel.force(true);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new StorageFailureException("cannot write", tmp, e);
        }
        try {
            // No fallback to a plain move: a move that is not atomic would break the guarantee.
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageFailureException("cannot rename " + tmp + " to", path, e);
        }
        SegmentedLog.fsyncDirectory(path.toAbsolutePath().getParent());
    }

    /**
     * Reads and verifies a file written by {@link #write}.
     *
     * @param path the file
     * @param format the format it must be of
     * @return its body, or empty if there is no file. A file in the previous release's layout (when
     *         {@code format} reads version 1) is returned whole, unverified, as a body of version 1.
     * @throws CorruptFileException naming the file and offset if it is damaged or of another format
     * @throws UnsupportedFormatException if it is of a version outside the format's range
     * @throws StorageFailureException if it cannot be read
     */
    public static Optional<FileBody> read(Path path, FileFormat format) {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        ByteBuffer all;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            // Mapped rather than read: an index checkpoint can be hundreds of megabytes.
            all = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new StorageFailureException("cannot read", path, e);
        }
        int size = all.capacity();
        FileHeader header = FileHeader.read(path, all.slice(0, Math.min(size, FileHeader.MAX_LENGTH)), format);
        if (header.version() == FileFormat.LEGACY_VERSION) {
            return Optional.of(new FileBody(path, header.version(), all, 0));
        }
        int footer = size - FOOTER_LENGTH;
        if (footer < header.length()) {
            throw new CorruptFileException(path, size, "a footer of " + FOOTER_LENGTH + " bytes after the "
                    + header.length() + "-byte header", "the file ends after " + size);
        }
        int magic = all.getInt(footer + FOOTER_MAGIC_OFFSET);
        if (magic != FOOTER_MAGIC) {
            throw new CorruptFileException(path, footer + FOOTER_MAGIC_OFFSET,
                    "footer magic " + FileBody.hex(FOOTER_MAGIC), FileBody.hex(magic));
        }
        CRC32C crc = new CRC32C();
        crc.update(all.slice(0, footer + FOOTER_CRC_OFFSET));
        int actual = (int) crc.getValue();
        int stored = all.getInt(footer + FOOTER_CRC_OFFSET);
        if (stored != actual) {
            throw new CorruptFileException(path, footer + FOOTER_CRC_OFFSET, "CRC-32C " + FileBody.hex(actual)
                    + " of bytes [0, " + (footer + FOOTER_CRC_OFFSET) + ")", FileBody.hex(stored));
        }
        return Optional.of(new FileBody(path, header.version(),
                all.slice(header.length(), footer - header.length()), header.length()));
    }

    /**
     * Deletes a file and its leftover temporary, if present.
     *
     * @param path the file
     */
    public static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
            Files.deleteIfExists(temporary(path));
        } catch (IOException e) {
            throw new StorageFailureException("cannot delete", path, e);
        }
    }

    private static Path temporary(Path path) {
        return path.resolveSibling(path.getFileName() + ".tmp");
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // the write failure is reported; a leftover temporary is replaced by the next write
        }
    }

    /**
     * Buffered little-endian output that checksums everything it writes, so a file of any size is
     * written in one pass with its footer. Not thread-safe.
     */
    public static final class Output {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        private long flushed;

        Output(FileChannel channel) {
            this.channel = channel;
        }

        private void room(int n) throws IOException {
            if (buffer.remaining() < n) {
                flush();
            }
        }

        void flush() throws IOException {
            buffer.flip();
            crc.update(buffer.array(), 0, buffer.limit());
            while (buffer.hasRemaining()) {
                flushed += channel.write(buffer, flushed);
            }
            buffer.clear();
        }

        long written() {
            return flushed + buffer.position();
        }

        int crc() {
            return (int) crc.getValue();
        }

        /** @param v value @throws IOException on failure */
        public void putByte(byte v) throws IOException {
            room(1);
            buffer.put(v);
        }

        /** @param v value @throws IOException on failure */
        public void putShort(short v) throws IOException {
            room(2);
            buffer.putShort(v);
        }

        /** @param v value @throws IOException on failure */
        public void putInt(int v) throws IOException {
            room(4);
            buffer.putInt(v);
        }

        /** @param v value @throws IOException on failure */
        public void putLong(long v) throws IOException {
            room(8);
            buffer.putLong(v);
        }

        /** @param b bytes, written as they are @throws IOException on failure */
        public void put(byte[] b) throws IOException {
            put(b, 0, b.length);
        }

        /**
         * @param b bytes
         * @param from the first to write
         * @param length how many to write, as they are
         * @throws IOException on failure
         */
        public void put(byte[] b, int from, int length) throws IOException {
            int at = from;
            int end = from + length;
            while (at < end) {
                room(1);
                int n = Math.min(buffer.remaining(), end - at);
                buffer.put(b, at, n);
                at += n;
            }
        }

        /** @param b bytes, written as a u32 length and the bytes @throws IOException on failure */
        public void putBlob(byte[] b) throws IOException {
            putInt(b.length);
            put(b);
        }

        /** @param s a string, written as a u32 length and UTF-8 @throws IOException on failure */
        public void putString(String s) throws IOException {
            putBlob(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
