package dev.peregrine.record;

/** A builder was given the same field name twice in one object. */
public final class DuplicateFieldException extends RecordException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /** Field {@code field} appeared twice. */
    public DuplicateFieldException(String field) {
        super("duplicate field '" + field + "' in one object");
        this.field = field;
    }

    /** The repeated name. */
    public String field() {
        return field;
    }
}
