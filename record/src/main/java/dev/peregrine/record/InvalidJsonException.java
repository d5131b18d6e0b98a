package dev.peregrine.record;

/**
 * JSON that cannot become a record: malformed syntax, a top-level value that is not an object, a duplicate
 * key, an unpaired surrogate, ill-formed UTF-8, a number beyond {@link JsonNumbers}' range, or a
 * {@link JsonLimits} limit exceeded.
 * Carries the line and column (1-based, -1 when unknown) where the parser stood.
 */
public final class InvalidJsonException extends RecordException {
    private static final long serialVersionUID = 1L;

    private final String problem;
    private final long line;
    private final long column;

    /** An error at a known position. */
    public InvalidJsonException(String problem, long line, long column, Throwable cause) {
        super("invalid JSON" + (line > 0 ? " at line " + line + ", column " + column : "") + ": " + problem, cause);
        this.problem = problem;
        this.line = line;
        this.column = column;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }

    /** 1-based line of the problem, or -1 when unknown. */
    public long line() {
        return line;
    }

    /** 1-based column of the problem, or -1 when unknown. */
    public long column() {
        return column;
    }
}
