package dev.peregrine.store;

import java.nio.file.Path;

/**
 * An entry (or the header) of a log segment fails its checksum or framing somewhere other than a
 * torn tail. The store refuses to open rather than skip data silently;
 * {@link StoreOptions.Builder#repairCorruption(boolean)} makes it truncate the log at the damaged
 * entry instead (losing that entry and everything after it).
 *
 * <p>The message names the file, the byte offset in it, and the expected and actual CRC-32C in hex
 * (both 0 when the framing itself, not the checksum, is what failed).
 */
public final class CorruptLogException extends CorruptFileException {

    private static final long serialVersionUID = 1L;

    private final int expectedCrc;
    private final int actualCrc;

    /**
     * @param file the damaged segment
     * @param offset byte offset of the damaged entry in that file
     * @param expectedCrc the checksum stored in the file
     * @param actualCrc the checksum computed over the bytes found
     * @param detail what exactly is wrong
     */
    public CorruptLogException(Path file, long offset, int expectedCrc, int actualCrc, String detail) {
        super("corrupt entry in " + file + " at offset " + offset + ": " + detail
                + " (stored crc32c 0x" + hex(expectedCrc) + ", computed 0x" + hex(actualCrc) + ")",
                file, offset, "crc32c 0x" + hex(expectedCrc), "crc32c 0x" + hex(actualCrc) + " (" + detail + ")");
        this.expectedCrc = expectedCrc;
        this.actualCrc = actualCrc;
    }

    private static String hex(int crc) {
        return String.format("%08x", crc);
    }

    /** @return the CRC-32C stored in the file */
    public int expectedCrc() {
        return expectedCrc;
    }

    /** @return the CRC-32C computed over the bytes actually found */
    public int actualCrc() {
        return actualCrc;
    }
}
