package dev.peregrine.store;

import java.util.OptionalInt;

/**
 * An event (or query) was rejected before anything was written: the message names the field and
 * what is wrong with it. Nothing of the batch that contained it was stored.
 */
public final class InvalidEventException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;
    /** The rejected event's index in its batch, or -1 when not known or not about one event. */
    private final int eventIndex;

    /**
     * @param field the offending field, for example {@code "entity_id"} or {@code "payload"}
     * @param problem what is wrong, written to be shown to the caller
     */
    public InvalidEventException(String field, String problem) {
        this(field, problem, -1);
    }

    private InvalidEventException(String field, String problem, int eventIndex) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
        this.eventIndex = eventIndex;
    }

    /**
     * @param index the rejected event's index in the batch appended
     * @return the same rejection, naming the event, so that a caller can point at it
     */
    public InvalidEventException atIndex(int index) {
        return new InvalidEventException(field, problem, index);
    }

    /** @return the name of the offending field, as the HTTP API spells it ({@code "event_type"}, …) */
    public String field() {
        return field;
    }

    /** @return the rejected event's index in the batch appended, when the rejection is about one event */
    public OptionalInt eventIndex() {
        return eventIndex < 0 ? OptionalInt.empty() : OptionalInt.of(eventIndex);
    }
}
