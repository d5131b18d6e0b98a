package dev.peregrine.store;

/**
 * The operation conflicts with the current state of a view, subscription or consumer group, and
 * would succeed in another one: a different view with that name is registered, a durable
 * subscription of that name is open already, a member id is already in the group, the member or the
 * group is closed, a delivery was settled already. Nothing was changed.
 */
public final class StateConflictException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /** @param message the conflict, naming the view, subscription, group or member */
    public StateConflictException(String message) {
        super(message);
    }
}
