package dev.peregrine.record;

/** A typed getter or setter met a field of another type, for example {@code getLong} on a string field. */
public final class FieldTypeException extends RecordException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final FieldType expected;
    private final FieldType actual;

    /** Field {@code field} holds {@code actual} where {@code expected} was asked for. */
    public FieldTypeException(String field, FieldType expected, FieldType actual) {
        super("field '" + field + "' is " + actual + ", not " + expected);
        this.field = field;
        this.expected = expected;
        this.actual = actual;
    }

    /** The field name or path. */
    public String field() {
        return field;
    }

    /** The type the caller asked for. */
    public FieldType expected() {
        return expected;
    }

    /** The type the field holds. */
    public FieldType actual() {
        return actual;
    }
}
