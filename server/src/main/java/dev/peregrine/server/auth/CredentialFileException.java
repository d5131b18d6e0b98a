package dev.peregrine.server.auth;

import java.nio.file.Path;

/**
 * The credential file cannot be used: damaged (a checksum or a length does not match), of a format
 * version this build does not read, or not a credential file at all. Names the file and what was
 * expected against what was found; never shows a key, hash or password.
 */
public final class CredentialFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    CredentialFileException(Path file, String problem) {
        super("credential file " + file + ": " + problem);
        this.file = file;
    }

    CredentialFileException(Path file, String problem, Throwable cause) {
        super("credential file " + file + ": " + problem, cause);
        this.file = file;
    }

    /** The file concerned. */
    public Path file() {
        return file;
    }
}
