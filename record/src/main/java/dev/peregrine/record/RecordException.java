package dev.peregrine.record;

/** Base class of every error the record module reports; each subclass names what went wrong and where. */
public class RecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with a message that names the problem. */
    public RecordException(String message) {
        super(message);
    }

    /** An error with a message and the exception that caused it. */
    public RecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
