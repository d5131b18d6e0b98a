package dev.peregrine.schema;

/**
 * A new version the registry cannot prove compatible with the latest one under the subject's
 * {@link CompatibilityMode}: the message names the mode, the place in the schema and the reason.
 */
public final class IncompatibleSchemaException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    private final CompatibilityMode mode;

    IncompatibleSchemaException(CompatibilityMode mode, String message) {
        super(message);
        this.mode = mode;
    }

    /** @return the mode that was not proven */
    public CompatibilityMode mode() {
        return mode;
    }
}
