package dev.peregrine.schema;

/** No schema is registered for a subject, or not the version asked for. */
public final class SubjectNotFoundException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    /** @param message the subject, and the version when one was asked for */
    public SubjectNotFoundException(String message) {
        super(message);
    }
}
