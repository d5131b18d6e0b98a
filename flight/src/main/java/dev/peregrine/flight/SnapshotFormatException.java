package dev.peregrine.flight;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot file could not be read because of its content. Subclasses tell apart a file that is not a
 * snapshot or has an unsupported version ({@link UnsupportedSnapshotException}), a file cut short
 * ({@link TruncatedSnapshotException}) and damaged bytes ({@link CorruptSnapshotException}).
 */
public sealed class SnapshotFormatException extends IOException
        permits CorruptSnapshotException, TruncatedSnapshotException, UnsupportedSnapshotException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long position;

    /** An error at {@code position} (byte offset, or -1 if not tied to one) of {@code file}. */
    protected SnapshotFormatException(Path file, long position, String problem) {
        super(file + (position >= 0 ? " at byte " + position : "") + ": " + problem);
        this.file = file;
        this.position = position;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Byte offset of the problem in the file, or -1. */
    public long position() {
        return position;
    }
}
