package dev.peregrine.schema;

/**
 * An event of a batch whose payload violates the enforced schema of its type: nothing of the batch
 * may be stored. Carries the event's index in the batch and the first violation.
 */
public final class SchemaViolationException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    private final int eventIndex;
    private final String subject;
    private final int schemaVersion;
    private final transient Violation violation;

    SchemaViolationException(int eventIndex, String subject, int schemaVersion, Violation violation) {
        super("payload violates schema '" + subject + "' version " + schemaVersion + ": " + violation);
        this.eventIndex = eventIndex;
        this.subject = subject;
        this.schemaVersion = schemaVersion;
        this.violation = violation;
    }

    /** @return the index of the refused event in the batch (0 for a single event) */
    public int eventIndex() {
        return eventIndex;
    }

    /** @return the subject (event type) whose schema refused the payload */
    public String subject() {
        return subject;
    }

    /** @return the version of that schema */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** @return the first violation: where in the payload, and which rule */
    public Violation violation() {
        return violation;
    }
}
