package dev.peregrine.store;

import dev.peregrine.store.follow.CommittedLog;

/** Reaches the engine behind an {@link EventStore} for tests of its internal readers. */
public final class StoreInternals {

    private StoreInternals() {}

    /**
     * @param store an open store
     * @return its committed log, as followers, views and subscriptions read it
     */
    public static CommittedLog committedLog(EventStore store) {
        return store.committedLog();
    }
}
