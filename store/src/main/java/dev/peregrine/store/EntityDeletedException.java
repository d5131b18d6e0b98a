package dev.peregrine.store;

/**
 * The entity was tombstoned ({@link EventStore#tombstone(String)}). Its earlier events are hidden
 * from queries and state; appending to it again requires {@link ExpectedVersion#noStream()}, which
 * re-creates the stream from version 1.
 */
public final class EntityDeletedException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String entityId;
    private final long tombstonePosition;

    /**
     * @param entityId the tombstoned entity
     * @param tombstonePosition the global position of its tombstone
     */
    public EntityDeletedException(String entityId, long tombstonePosition) {
        super("entity '" + entityId + "' was deleted (tombstone at position " + tombstonePosition
                + "); append with expected version no_stream to re-create it");
        this.entityId = entityId;
        this.tombstonePosition = tombstonePosition;
    }

    /** @return the tombstoned entity */
    public String entityId() {
        return entityId;
    }

    /** @return the position of the tombstone entry in the log */
    public long tombstonePosition() {
        return tombstonePosition;
    }
}
