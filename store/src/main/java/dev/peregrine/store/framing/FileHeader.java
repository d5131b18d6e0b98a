package dev.peregrine.store.framing;

import static dev.peregrine.store.framing.FramingDescriptor.*;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes and checks the header every store file starts with ({@link FramingDescriptor}). Stateless.
 *
 * @param version the format version the file holds ({@link FileFormat#LEGACY_VERSION} for a file in
 *                the previous release's layout)
 * @param length the header's length, where the body or the first record starts (0 for a legacy file,
 *               whose layout its reader knows)
 */
record FileHeader(int version, int length) {

    /** Bytes to read from the start of a file to be sure of holding its whole header. */
    static final int MAX_LENGTH = headerLength(MAX_NAME_LENGTH);

    /** @return the header of a file of {@code format}, at its current version */
    static byte[] encode(FileFormat format) {
        byte[] name = format.name().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer header = ByteBuffer.allocate(headerLength(name.length)).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC_OFFSET, MAGIC).put(NAME_LENGTH_OFFSET, (byte) name.length).put(NAME_OFFSET, name)
                .putInt(versionOffset(name.length), format.currentVersion());
        header.putInt(headerCrcOffset(name.length), crc(header.array(), headerCrcOffset(name.length)));
        return header.array();
    }

    /**
     * Checks a file's header, in the order magic, header CRC, name, version.
     *
     * @param file the file, for errors
     * @param start the file's first bytes (up to {@link #MAX_LENGTH}), from index 0 to the limit
     * @param format the format the file must be of
     * @return the header found
     * @throws CorruptFileException naming the file and offset if the header is damaged or of another format
     * @throws UnsupportedFormatException if its version is outside the format's range
     */
    static FileHeader read(Path file, ByteBuffer start, FileFormat format) {
        ByteBuffer in = start.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] bytes = new byte[in.limit()];
        in.get(0, bytes);
        if (format.isLegacy(bytes)) {
            if (!format.accepts(FileFormat.LEGACY_VERSION)) {
                throw new UnsupportedFormatException(file, FileFormat.LEGACY_VERSION, format.oldestVersion(),
                        format.currentVersion());
            }
            return new FileHeader(FileFormat.LEGACY_VERSION, 0);
        }
        if (bytes.length < MIN_HEADER_LENGTH) {
            throw new CorruptFileException(file, bytes.length, "a header of at least " + MIN_HEADER_LENGTH + " bytes",
                    "the file ends after " + bytes.length);
        }
        int magic = in.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new CorruptFileException(file, MAGIC_OFFSET, "magic " + FileBody.hex(MAGIC) + " (\"PRGF\")",
                    FileBody.hex(magic));
        }
        int nameLength = Byte.toUnsignedInt(in.get(NAME_LENGTH_OFFSET));
        if (nameLength == 0 || nameLength > MAX_NAME_LENGTH) {
            throw new CorruptFileException(file, NAME_LENGTH_OFFSET, "a format name length of 1 to " + MAX_NAME_LENGTH,
                    Integer.toString(nameLength));
        }
        int crcAt = headerCrcOffset(nameLength);
        if (bytes.length < crcAt + HEADER_CRC_LENGTH) {
            throw new CorruptFileException(file, bytes.length, "a header of " + headerLength(nameLength) + " bytes",
                    "the file ends after " + bytes.length);
        }
        int stored = in.getInt(crcAt);
        int actual = crc(bytes, crcAt);
        if (stored != actual) {
            throw new CorruptFileException(file, crcAt, "header CRC-32C " + FileBody.hex(actual), FileBody.hex(stored));
        }
        String name = new String(bytes, NAME_OFFSET, nameLength, StandardCharsets.US_ASCII);
        if (!name.equals(format.name())) {
            throw new CorruptFileException(file, NAME_OFFSET, "a file of format '" + format.name() + "'",
                    "format '" + name + "'");
        }
        int version = in.getInt(versionOffset(nameLength));
        if (!format.accepts(version)) {
            throw new UnsupportedFormatException(file, version, format.oldestVersion(), format.currentVersion());
        }
        return new FileHeader(version, headerLength(nameLength));
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
