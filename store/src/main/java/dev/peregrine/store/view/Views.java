package dev.peregrine.store.view;

import java.util.List;
import java.util.Optional;

/**
 * The views of one store: register, look up, rebuild and drop. Views are persisted with the store
 * (definition, checkpoint and state) and resume where they stopped when it reopens. Thread-safe.
 *
 * <pre>{@code
 * Views views = store.views();
 * View v = views.register(ViewDefinition.fromJson(json),
 *         (name, at, target) -> log.info("{}: {}/{}", name, at, target));
 * }</pre>
 */
public interface Views {

    /**
     * Registers a view and fills it from the whole existing log before returning; later events are
     * applied as they are committed. Registering a definition equal to a registered one returns the
     * registered view.
     *
     * @param definition the view
     * @param progress told about the backfill's progress
     * @return the view, filled up to the log's last position at the time of the call
     * @throws dev.peregrine.store.StateConflictException when a different view with that name exists
     */
    View register(ViewDefinition definition, BackfillListener progress);

    /**
     * @param name a view name
     * @return the view, if registered
     */
    Optional<View> get(String name);

    /** @return every registered view, by name */
    List<View> list();

    /**
     * Empties a view and refills it from log position 1.
     *
     * @param name a view name
     * @param progress told about the progress
     * @throws ViewNotFoundException when no view has that name
     */
    void rebuild(String name, BackfillListener progress);

    /**
     * Unregisters a view and deletes its persisted state.
     *
     * @param name a view name
     * @return whether a view was dropped
     */
    boolean drop(String name);
}
