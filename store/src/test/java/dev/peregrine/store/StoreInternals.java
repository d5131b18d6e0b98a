package dev.peregrine.store;

import dev.peregrine.store.follow.CommittedLog;

/** Reaches the engine behind an {@link EventStore} for tests of its internal readers. */
public final class StoreInternals {

    private StoreInternals() {}

    /**
     * @param store an open store
     * @return its committed log, as followers, views and subscriptions read it
     */
    @SuppressWarnings("exports") // tests run on the class path; the follow package is internal on purpose
    public static CommittedLog committedLog(EventStore store) {
        return store.committedLog();
    }
}
