package dev.peregrine.schema;

/** A refused request to the schema registry; the subclass says why. */
public abstract sealed class SchemaRegistryException extends RuntimeException
        permits InvalidSchemaException, SubjectNotFoundException, IncompatibleSchemaException,
        SchemaViolationException {
    private static final long serialVersionUID = 1L;

    SchemaRegistryException(String message) {
        super(message);
    }
}
