package dev.peregrine.store;

/**
 * An event (or query) was rejected before anything was written: the message names the field and
 * what is wrong with it. Nothing of the batch that contained it was stored.
 */
public final class InvalidEventException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the offending field, for example {@code "entity_id"} or {@code "payload"}
     * @param problem what is wrong, written to be shown to the caller
     */
    public InvalidEventException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** @return the name of the offending field, as the HTTP API spells it ({@code "event_type"}, …) */
    public String field() {
        return field;
    }
}
