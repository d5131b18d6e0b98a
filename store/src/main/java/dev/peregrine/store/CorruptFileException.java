package dev.peregrine.store;

import java.nio.file.Path;

/**
 * A file the store wrote fails its checks: a checksum does not match, the framing is broken, a length
 * runs past the end, the content contradicts itself, or the file is not of the kind expected (a wrong
 * magic number or format name). The store refuses what it cannot trust rather than skip data
 * silently; for files derived from the log (snapshots, index checkpoint, projection checkpoints,
 * view state) it logs the damage and rebuilds instead of failing.
 *
 * <p>The message names the file, the byte offset of the damage, and what was expected against what
 * was found. A file of a valid kind but another format version is an
 * {@link UnsupportedFormatException} instead, so that damage and an upgrade are told apart.
 *
 * @see CorruptLogException for entries of a log segment
 */
public sealed class CorruptFileException extends EventStoreException permits CorruptLogException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;
    private final String expected;
    private final String actual;

    /**
     * @param file the damaged file
     * @param offset byte offset of the damage in that file (0 when the check covers the whole file)
     * @param expected what should be there, for example {@code "CRC-32C 0x1c2d3e4f"}
     * @param actual what is there
     */
    public CorruptFileException(Path file, long offset, String expected, String actual) {
        this(file + " is corrupt at byte " + offset + ": expected " + expected + ", found " + actual,
                file, offset, expected, actual);
    }

    CorruptFileException(String message, Path file, long offset, String expected, String actual) {
        super(message);
        this.file = file;
        this.offset = offset;
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the damaged file */
    public Path file() {
        return file;
    }

    /** @return the byte offset of the damage in the file */
    public long offset() {
        return offset;
    }

    /** @return what the check expected at {@link #offset()} */
    public String expected() {
        return expected;
    }

    /** @return what the check found there */
    public String actual() {
        return actual;
    }
}
