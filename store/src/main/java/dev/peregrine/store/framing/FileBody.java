package dev.peregrine.store.framing;

import dev.peregrine.store.CorruptFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The verified body of a file, read front to back. Every read is bounds-checked: a body that ends
 * early or holds a length or count that runs past its end is a {@link CorruptFileException} naming the
 * file and the offset in it, never a {@link java.nio.BufferUnderflowException} or a huge allocation.
 * Little-endian. Not thread-safe.
 */
public final class FileBody {

    private final Path file;
    private final int version;
    private final ByteBuffer in;
    private final long base;

    /**
     * @param file the file, for errors
     * @param version the format version it holds
     * @param in the body, from position 0 to its limit
     * @param base the file offset of the body's first byte
     */
    FileBody(Path file, int version, ByteBuffer in, long base) {
        this.file = file;
        this.version = version;
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.base = base;
    }

    /**
     * Wraps bytes of a file read some other way (a record of an append-only file).
     *
     * @param file the file, for errors
     * @param version the format version it holds
     * @param bytes the body
     * @param base the file offset of {@code bytes[0]}
     * @return the body
     */
    public static FileBody of(Path file, int version, byte[] bytes, long base) {
        return new FileBody(file, version, ByteBuffer.wrap(bytes), base);
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @return the format version the file holds */
    public int version() {
        return version;
    }

    /** @return the file offset of the next byte to read */
    public long offset() {
        return base + in.position();
    }

    /** @return bytes left in the body */
    public int remaining() {
        return in.remaining();
    }

    private void need(int n) {
        if (n < 0 || in.remaining() < n) {
            throw new CorruptFileException(file, offset(), Integer.toUnsignedString(n) + " more bytes",
                    "the body ends after " + in.remaining());
        }
    }

    /** @return the next byte */
    public byte getByte() {
        need(1);
        return in.get();
    }

    /** @return the next u16 */
    public int getUnsignedShort() {
        need(2);
        return Short.toUnsignedInt(in.getShort());
    }

    /** @return the next short */
    public short getShort() {
        need(2);
        return in.getShort();
    }

    /** @return the next int */
    public int getInt() {
        need(4);
        return in.getInt();
    }

    /** @return the next long */
    public long getLong() {
        need(8);
        return in.getLong();
    }

    /**
     * Reads a u32 count of items that take at least {@code bytesEach} bytes each.
     *
     * @param bytesEach the fewest bytes one item takes (at least 1)
     * @return the count, which the rest of the body can hold
     */
    public int getCount(int bytesEach) {
        long at = offset();
        int count = getInt();
        if (count < 0 || (long) count * bytesEach > in.remaining()) {
            throw new CorruptFileException(file, at, "a count whose items fit in the " + in.remaining()
                    + " bytes left", Integer.toUnsignedString(count));
        }
        return count;
    }

    /** @param n bytes @return the next {@code n} bytes, copied */
    public byte[] getBytes(int n) {
        need(n);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    /** @return bytes written as a u32 length and the bytes ({@link AtomicFile.Output#putBlob}) */
    public byte[] getBlob() {
        return getBytes(getCount(1));
    }

    /** @return a string written as a u32 length and UTF-8 ({@link AtomicFile.Output#putString}) */
    public String getString() {
        return new String(getBlob(), StandardCharsets.UTF_8);
    }

    /** @return a string written as a u16 length and UTF-8 */
    public String getShortString() {
        return new String(getBytes(getUnsignedShort()), StandardCharsets.UTF_8);
    }

    /**
     * @param n bytes
     * @return a little-endian view of the next {@code n} bytes (not copied), the body moved past them
     */
    public ByteBuffer slice(int n) {
        need(n);
        ByteBuffer s = in.slice(in.position(), n).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + n);
        return s;
    }

    /** @return every byte left, copied */
    public byte[] rest() {
        return getBytes(in.remaining());
    }

    /**
     * @throws CorruptFileException if bytes are left over
     */
    public void expectEnd() {
        if (in.hasRemaining()) {
            throw corrupt("the end of the body", in.remaining() + " more bytes");
        }
    }

    /**
     * @param expected what a valid body holds at the current offset
     * @param actual what this one holds
     * @return an error naming the file and the current offset, to throw
     */
    public CorruptFileException corrupt(String expected, String actual) {
        return new CorruptFileException(file, offset(), expected, actual);
    }

    /**
     * @param v a 32-bit value
     * @return it as {@code 0x%08x}, the way errors show checksums and magic numbers
     */
    public static String hex(int v) {
        return "0x%08x".formatted(v);
    }

    /**
     * @param at a file offset
     * @param expected what a valid body holds there
     * @param actual what this one holds
     * @return an error naming the file and that offset, to throw
     */
    public CorruptFileException corruptAt(long at, String expected, String actual) {
        return new CorruptFileException(file, at, expected, actual);
    }
}
