package dev.peregrine.store.feed.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.StorageFailureException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The framing shared by the view state and subscription checkpoint files: little-endian content
 * followed by a CRC-32C footer over every byte before it, and length-prefixed UTF-8 strings. Stateless.
 */
public final class StateFiles {

    /** Bytes of the CRC-32C footer. */
    public static final int FOOTER_LENGTH = Integer.BYTES;

    private StateFiles() {}

    /**
     * Appends the CRC-32C footer over {@code out[0, position)} and flips the buffer for writing.
     *
     * @param out a heap buffer with room for the footer
     * @return {@code out}, flipped
     */
    public static ByteBuffer seal(ByteBuffer out) {
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.flip();
    }

    /**
     * Reads a whole file and checks its footer.
     *
     * @param file the file
     * @param minContent the fewest content bytes (before the footer) a valid file has
     * @return the content (footer excluded from the limit), little-endian, positioned at 0
     * @throws CorruptFileException when the file is too short or its CRC does not match
     */
    public static ByteBuffer readVerified(Path file, int minContent) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StorageFailureException("cannot read", file, e);
        }
        if (bytes.length < minContent + FOOTER_LENGTH) {
            throw new CorruptFileException(file, bytes.length, "at least " + (minContent + FOOTER_LENGTH)
                    + " bytes", bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int footer = bytes.length - FOOTER_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, footer);
        int stored = in.getInt(footer);
        if (stored != (int) crc.getValue()) {
            throw new CorruptFileException(file, footer, "CRC-32C " + hex((int) crc.getValue()), hex(stored));
        }
        return in.limit(footer);
    }

    /**
     * Reads a u32 length and that many UTF-8 bytes.
     *
     * @param in the content
     * @param file the file, for the error
     * @return the string
     * @throws CorruptFileException when the length runs past the content
     */
    public static String readString(ByteBuffer in, Path file) {
        int at = in.position();
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new CorruptFileException(file, at, "a string length within the file",
                    Integer.toUnsignedString(length));
        }
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    /**
     * @param v an int
     * @return it as {@code 0x%08x}
     */
    public static String hex(int v) {
        return String.format("0x%08x", v);
    }
}
