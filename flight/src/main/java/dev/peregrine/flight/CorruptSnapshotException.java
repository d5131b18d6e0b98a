package dev.peregrine.flight;

import java.nio.file.Path;

/** A snapshot file's bytes are damaged: a checksum does not match or a structure is invalid. */
public final class CorruptSnapshotException extends SnapshotFormatException {
    private static final long serialVersionUID = 1L;

    /** Damage at {@code position} of {@code file}, described by {@code problem} (with expected and actual values). */
    public CorruptSnapshotException(Path file, long position, String problem) {
        super(file, position, "corrupt snapshot: " + problem);
    }
}
