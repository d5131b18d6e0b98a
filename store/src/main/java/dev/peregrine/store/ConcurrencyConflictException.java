package dev.peregrine.store;

/**
 * An append carried an {@link ExpectedVersion} that did not match the entity's stream version at the
 * moment the sequencer processed it. The whole batch was rejected; nothing was written.
 *
 * <p>A conflict is an expected answer under optimistic concurrency, so this exception carries no
 * stack trace: read {@link #actualVersion()} and retry.
 */
public final class ConcurrencyConflictException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String entityId;
    private final ExpectedVersion expected;
    private final long actualVersion;

    /**
     * @param entityId the entity whose stream version did not match
     * @param expected what the append expected
     * @param actualVersion the stream's version when the append was checked (0: no stream)
     */
    public ConcurrencyConflictException(String entityId, ExpectedVersion expected, long actualVersion) {
        super("version conflict on entity '" + entityId + "': expected " + expected
                + ", actual version " + actualVersion, false);
        this.entityId = entityId;
        this.expected = expected;
        this.actualVersion = actualVersion;
    }

    /** @return the entity whose stream version did not match */
    public String entityId() {
        return entityId;
    }

    /** @return the expectation the append carried */
    public ExpectedVersion expected() {
        return expected;
    }

    /** @return the entity's version when the append was checked; 0 means the stream does not exist */
    public long actualVersion() {
        return actualVersion;
    }
}
