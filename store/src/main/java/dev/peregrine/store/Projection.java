package dev.peregrine.store;

import dev.peregrine.record.Record;

import java.util.Optional;

/**
 * A read model fed with every event in log order. The store calls {@link #apply} from one projection
 * thread, exactly once per event and position, starting after the projection's persisted checkpoint;
 * {@link #state} may be called from any thread at the same time, so implementations must make their
 * state safe to read concurrently (a {@code ConcurrentHashMap} is enough).
 *
 * <pre>{@code
 * store.registerProjection(new MyCounts());
 * store.awaitProjections();
 * Optional<Record> s = store.projection("my_counts").orElseThrow().state("user-123");
 * }</pre>
 *
 * <p>Surviving restarts without double counting: a projection that implements {@link #saveState()}
 * and {@link #restoreState(byte[])} gets its bytes persisted atomically together with the position
 * they reflect; on the next open it is restored and fed only the events after that position. One that
 * does not is reset and fed from position 1 on every open.
 */
public interface Projection {

    /** @return unique name, 1–128 characters of {@code [a-z0-9._-]} */
    String name();

    /** @param event the next event in log order (never a tombstone) */
    void apply(StoredEvent event);

    /**
     * What the store calls for each event: the event as a view over the log, valid only during the
     * call ({@link EventView}'s lifetime rules). The default copies it out ({@link EventView#toStoredEvent()})
     * for {@link #apply(StoredEvent)}. A projection that reads only some fields overrides this one and
     * saves that copy (the id, the records and the event object, per event): the built-in ones do.
     *
     * @param event the next event in log order (never a tombstone)
     */
    default void apply(EventView event) {
        apply(event.toStoredEvent());
    }

    /**
     * Called in log order when an entity is tombstoned. The default does nothing.
     *
     * @param entityId the deleted entity
     */
    default void tombstoned(String entityId) {
    }

    /**
     * @param key an entity id (or whatever key the projection is organised by)
     * @return the projection's state for that key
     */
    Optional<Record> state(String key);

    /** Forgets all state, as before the first event. */
    void reset();

    /**
     * A new instance of this projection with no state, for a replay ({@link dev.peregrine.store.replay.Replays})
     * to rebuild beside this one while this one keeps serving {@link #state} reads; the rebuilt instance
     * replaces this one once it has caught up. The default has none: such a projection is rebuilt in
     * place only ({@link EventStore#rebuildProjection}), its reads seeing the state grow back from empty.
     *
     * @return an empty instance of the same projection (same name), or empty
     */
    default Optional<Projection> emptyCopy() {
        return Optional.empty();
    }

    /**
     * @return the whole state as bytes to persist with the projection's checkpoint, or empty if this
     *         projection is rebuilt from the log on every open (the default)
     */
    default Optional<byte[]> saveState() {
        return Optional.empty();
    }

    /**
     * Restores what {@link #saveState()} returned. Called before any event is applied.
     *
     * @param bytes bytes previously returned by {@link #saveState()}
     */
    default void restoreState(byte[] bytes) {
        throw new UnsupportedOperationException(name() + " does not persist its state");
    }
}
