package dev.peregrine.store;

/** The entity has no visible event (at the requested point in time, if one was given). */
public final class EntityNotFoundException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String entityId;

    /** @param entityId the entity that was looked up */
    public EntityNotFoundException(String entityId) {
        super("entity not found: " + entityId);
        this.entityId = entityId;
    }

    /** @return the entity that was looked up */
    public String entityId() {
        return entityId;
    }
}
