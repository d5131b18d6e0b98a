package dev.peregrine.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An I/O operation failed, or the store is closed or has stopped after an earlier failure. Appends
 * that fail this way were not acknowledged. {@link #outcome()} says whether the append may still be
 * in the log:
 *
 * <ul>
 *   <li>{@link Outcome#NOT_WRITTEN}: nothing of it was stored, and nothing ever will be. The store
 *       refused it before it was written (the disk is full, a write failed and was undone, the store
 *       is closed). The store stays usable: once the cause is gone, appends succeed again without a
 *       restart. Retrying is safe.</li>
 *   <li>{@link Outcome#UNKNOWN}: it may be in the log (for example, a force failed after the bytes
 *       were written: whether they reached the disk is unknown until the next open, whose recovery
 *       keeps a complete batch or drops it entirely). The store accepts no more appends until it is
 *       reopened. Retry only with the same event ids, which makes the retry idempotent.</li>
 * </ul>
 */
public final class StorageFailureException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /** Whether a failed append may still be in the log. */
    public enum Outcome {
        /** Nothing of the append was stored; the store stays usable. */
        NOT_WRITTEN,
        /** The append may be in the log; the store accepts no more appends until reopened. */
        UNKNOWN
    }

    private final transient Path file;
    private final String reason;
    private final Outcome outcome;

    /**
     * A failure whose outcome is {@link Outcome#UNKNOWN}.
     *
     * @param message what failed
     * @param file the file involved, or {@code null} if none
     * @param cause the underlying error, or {@code null}
     */
    public StorageFailureException(String message, Path file, Throwable cause) {
        this(message, file, cause, Outcome.UNKNOWN);
    }

    /**
     * @param message what failed
     * @param file the file involved, or {@code null} if none
     * @param cause the underlying error, or {@code null}
     * @param outcome whether a failed append may still be in the log
     */
    public StorageFailureException(String message, Path file, Throwable cause, Outcome outcome) {
        super(file == null ? message : message + " (" + file + ")", cause);
        this.file = file;
        this.reason = message;
        this.outcome = outcome;
    }

    /** @return what failed, without the file's path (for messages that leave the process) */
    public String reason() {
        return reason;
    }

    /** @return whether a failed append may still be in the log */
    public Outcome outcome() {
        return outcome;
    }

    /** @return whether the cause is a full disk ({@code ENOSPC}, in the words of {@code strerror}) */
    public boolean diskFull() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    /** @return the file whose operation failed, if one was involved */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
