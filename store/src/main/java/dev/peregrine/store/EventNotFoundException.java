package dev.peregrine.store;

import java.util.UUID;

/** No visible event has the requested id. */
public final class EventNotFoundException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final UUID eventId;

    /** @param eventId the id that was looked up */
    public EventNotFoundException(UUID eventId) {
        super("event not found: " + eventId);
        this.eventId = eventId;
    }

    /** @return the id that was looked up */
    public UUID eventId() {
        return eventId;
    }
}
