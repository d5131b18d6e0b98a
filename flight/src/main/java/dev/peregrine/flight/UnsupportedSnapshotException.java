package dev.peregrine.flight;

import java.nio.file.Path;

/** A file is not a flight snapshot (wrong magic), or its format version is older or newer than this reader supports. */
public final class UnsupportedSnapshotException extends SnapshotFormatException {
    private static final long serialVersionUID = 1L;

    /** {@code problem} names what was expected and what was found. */
    public UnsupportedSnapshotException(Path file, long position, String problem) {
        super(file, position, problem);
    }
}
