package dev.peregrine.flight;

import java.nio.file.Path;

/** A snapshot file ends before its footer: it was cut short or never finished. */
public final class TruncatedSnapshotException extends SnapshotFormatException {
    private static final long serialVersionUID = 1L;

    /** {@code file} is {@code actualLength} bytes long; {@code problem} says what was expected. */
    public TruncatedSnapshotException(Path file, long actualLength, String problem) {
        super(file, actualLength, "truncated snapshot (" + actualLength + " bytes): " + problem);
    }
}
