package dev.peregrine.store.internal;

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

import static dev.peregrine.store.internal.AtomicFileDescriptor.*;

/**
 * Whole-file atomic replacement ({@link AtomicFileDescriptor}): write {@code name.tmp} in one
 * streaming pass, force it, rename it over {@code name}, force the directory. Readers verify the
 * footer CRC before trusting a byte.
 *
 * <p>Thread safety: none; each file has one writer at a time.
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    /** Writes the body of a file. */
    @FunctionalInterface
    public interface BodyWriter {
        /**
         * @param out where to write
         * @throws IOException on a write failure
         */
        void write(Output out) throws IOException;
    }

    /**
     * Streams {@code body} into {@code path} atomically.
     *
     * @param path the final file
     * @param magic the file kind's magic
     * @param version the body format version
     * @param body writes the body
     */
    public static void write(Path path, long magic, int version, BodyWriter body) {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Output out = new Output(channel);
            out.putLong(magic);
            out.putInt(version);
            out.putInt(0);
            body.write(out);
            long bodyLength = out.written() - HEADER_LENGTH;
            out.putLong(bodyLength);
            out.putInt(FOOTER_MAGIC);
            out.flush();
            ByteBuffer crc = ByteBuffer.allocate(FOOTER_CRC_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            crc.putInt(0, out.crc());
            channel.write(crc, out.written());
            channel.force(true);
        } catch (IOException e) {
            throw new StorageFailureException("cannot write", tmp, e);
        }
        try {
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
     * @param magic the magic it must carry
     * @param version the body version this build reads
     * @return the body (positioned at 0, little-endian), or empty if the file does not exist
     * @throws CorruptFileException if the file is damaged or of another kind
     * @throws UnsupportedFormatException if the file is of another format version
     */
    public static Optional<ByteBuffer> read(Path path, long magic, int version) {
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
        if (size < HEADER_LENGTH + FOOTER_LENGTH) {
            throw new CorruptFileException(path, 0, "at least " + (HEADER_LENGTH + FOOTER_LENGTH) + " bytes", size + " bytes");
        }
        int footer = size - FOOTER_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(all.slice(0, footer + FOOTER_CRC_OFFSET));
        int stored = all.getInt(footer + FOOTER_CRC_OFFSET);
        int actual = (int) crc.getValue();
        if (stored != actual || all.getInt(footer + FOOTER_MAGIC_OFFSET) != FOOTER_MAGIC
                || all.getLong(footer + FOOTER_BODY_LENGTH_OFFSET) != footer - HEADER_LENGTH) {
            throw new CorruptFileException(path, footer, "a footer matching the file (CRC-32C 0x%08x)".formatted(actual),
                    "CRC-32C 0x%08x".formatted(stored));
        }
        if (all.getLong(MAGIC_OFFSET) != magic) {
            throw new CorruptFileException(path, MAGIC_OFFSET, "magic 0x%016x".formatted(magic),
                    "0x%016x".formatted(all.getLong(MAGIC_OFFSET)));
        }
        int found = all.getInt(VERSION_OFFSET);
        if (found != version) {
            throw new UnsupportedFormatException(path, found, version, version);
        }
        return Optional.of(all.slice(HEADER_LENGTH, footer - HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Deletes a file and its leftover temporary, if present.
     *
     * @param path the file
     */
    public static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
            Files.deleteIfExists(path.resolveSibling(path.getFileName() + ".tmp"));
        } catch (IOException e) {
            throw new StorageFailureException("cannot delete", path, e);
        }
    }

    /** Buffered little-endian output that checksums everything it writes. Not thread-safe. */
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
        public void putLong(long v) throws IOException {
            room(8);
            buffer.putLong(v);
        }

        /** @param v value @throws IOException on failure */
        public void putInt(int v) throws IOException {
            room(4);
            buffer.putInt(v);
        }

        /** @param b bytes @throws IOException on failure */
        public void putBytes(byte[] b) throws IOException {
            putInt(b.length);
            int at = 0;
            while (at < b.length) {
                room(1);
                int n = Math.min(buffer.remaining(), b.length - at);
                buffer.put(b, at, n);
                at += n;
            }
        }

        /** @param s string, written as length-prefixed UTF-8 @throws IOException on failure */
        public void putString(String s) throws IOException {
            putBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Reads a length-prefixed UTF-8 string written by {@link Output#putString}.
     *
     * @param in the body
     * @return the string
     */
    public static String getString(ByteBuffer in) {
        return new String(getBytes(in), StandardCharsets.UTF_8);
    }

    /**
     * Reads length-prefixed bytes written by {@link Output#putBytes}.
     *
     * @param in the body
     * @return the bytes
     */
    public static byte[] getBytes(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return b;
    }
}
