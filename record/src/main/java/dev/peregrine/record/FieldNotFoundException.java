package dev.peregrine.record;

/** A getter without a default asked for a field (or path, or array index) the record does not have. */
public final class FieldNotFoundException extends RecordException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /** The named field (or path) is absent. */
    public FieldNotFoundException(String field) {
        super("field '" + field + "' not found");
        this.field = field;
    }

    /** The field name or path that was asked for. */
    public String field() {
        return field;
    }
}
