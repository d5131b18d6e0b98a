package dev.peregrine.store;

import java.util.UUID;

/**
 * An append reused an event id that is already stored with different content. (Re-appending the
 * same id with the same content is not an error: it returns the original {@link AppendResult}.)
 */
public final class DuplicateEventIdException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final UUID eventId;
    private final long existingPosition;

    /**
     * @param eventId the reused id
     * @param existingPosition the global position of the event already stored under that id
     */
    public DuplicateEventIdException(UUID eventId, long existingPosition) {
        super("event id " + eventId + " already exists at position " + existingPosition
                + " with different content");
        this.eventId = eventId;
        this.existingPosition = existingPosition;
    }

    /** @return the reused id */
    public UUID eventId() {
        return eventId;
    }

    /** @return where the existing event with that id is stored */
    public long existingPosition() {
        return existingPosition;
    }
}
