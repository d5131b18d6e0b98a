package dev.peregrine.record;

/**
 * Bytes that are not a valid encoded record or field dictionary: truncated, a wrong length, an offset outside
 * the buffer, an unknown tag or version, invalid UTF-8. Carries the byte offset where the problem was found.
 */
public final class RecordFormatException extends RecordException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String problem;

    /** A format error found at {@code offset} (counted from the start of the outermost buffer). */
    public RecordFormatException(String problem, long offset) {
        super("corrupt record bytes at offset " + offset + ": " + problem);
        this.problem = problem;
        this.offset = offset;
    }

    /** Byte offset, from the start of the buffer given to the reader, where the problem was found. */
    public long offset() {
        return offset;
    }

    /** What is wrong, without the offset. */
    public String problem() {
        return problem;
    }
}
