package dev.peregrine.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An I/O operation failed, or the store is closed or has stopped after an earlier failure. Appends
 * that fail this way were not acknowledged; whether their bytes reached the disk is unknown until the
 * next open, whose recovery keeps a complete batch or drops it entirely.
 */
public final class StorageFailureException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param message what failed
     * @param file the file involved, or {@code null} if none
     * @param cause the underlying error, or {@code null}
     */
    public StorageFailureException(String message, Path file, Throwable cause) {
        super(file == null ? message : message + " (" + file + ")", cause);
        this.file = file;
    }

    /** @return the file whose operation failed, if one was involved */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
