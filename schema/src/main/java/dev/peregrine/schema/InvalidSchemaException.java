package dev.peregrine.schema;

/** A schema document (or a subject name, mode or version) the registry cannot accept, with the reason. */
public final class InvalidSchemaException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the keyword or value */
    public InvalidSchemaException(String message) {
        super(message);
    }
}
