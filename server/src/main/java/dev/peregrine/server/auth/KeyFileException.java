package dev.peregrine.server.auth;

import java.nio.file.Path;

/**
 * The key file cannot be used: damaged (a checksum or a length does not match), of a format
 * version this build does not read, or not a key file at all. Names the file and what was
 * expected against what was found; never shows key material.
 */
public final class KeyFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    KeyFileException(Path file, String problem) {
        super("key file " + file + ": " + problem);
        this.file = file;
    }

    KeyFileException(Path file, String problem, Throwable cause) {
        super("key file " + file + ": " + problem, cause);
        this.file = file;
    }

    /** The file concerned. */
    public Path file() {
        return file;
    }
}
