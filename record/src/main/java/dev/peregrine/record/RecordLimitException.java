package dev.peregrine.record;

/** A record would exceed a size limit: encoded bytes, fields per object, elements per array, or nesting depth. */
public final class RecordLimitException extends RecordException {
    private static final long serialVersionUID = 1L;

    private final String limit;
    private final long max;

    /** {@code limit} (a short name such as "record size") would exceed {@code max}. */
    public RecordLimitException(String limit, long max) {
        super(limit + " exceeds the limit of " + max);
        this.limit = limit;
        this.max = max;
    }

    /** Which limit. */
    public String limit() {
        return limit;
    }

    /** The limit's value. */
    public long max() {
        return max;
    }
}
