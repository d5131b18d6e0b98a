package dev.peregrine.store;

import dev.peregrine.store.view.InvalidViewDefinitionException;
import dev.peregrine.store.view.ViewNotFoundException;

/**
 * Root of every error the store reports. The hierarchy is sealed so that a caller (for example the
 * HTTP server) can map each kind to a response once, exhaustively, with a {@code switch}.
 *
 * <ul>
 *   <li>{@link InvalidEventException}: the caller sent something the store rejects (bad id, size,
 *       query parameter, subscription name…);</li>
 *   <li>{@link InvalidViewDefinitionException}: a view definition is malformed;</li>
 *   <li>{@link ConcurrencyConflictException}: an expected version did not match;</li>
 *   <li>{@link DuplicateEventIdException}: an event id was reused with different content;</li>
 *   <li>{@link FieldNameLimitException}: the events need more distinct field names than the store allows;</li>
 *   <li>{@link StateConflictException}: the operation conflicts with the current state of a view,
 *       subscription or consumer group (a different view of that name exists, the name is open
 *       already, the group is closed…);</li>
 *   <li>{@link EventNotFoundException}, {@link EntityNotFoundException}, {@link EntityDeletedException},
 *       {@link ViewNotFoundException}: the thing asked for does not exist (or no longer does);</li>
 *   <li>{@link StorageFailureException}: the disk failed, or the store is closed;</li>
 *   <li>{@link CorruptFileException} (with {@link CorruptLogException} for log segments): a file on
 *       disk fails its checksum or framing;</li>
 *   <li>{@link UnsupportedFormatException}: a file on disk is of a format version this build does not
 *       read.</li>
 * </ul>
 *
 * <p>What is not here: a broken method contract that no correct caller can hit (a negative size
 * given to an options builder, a {@code null} where none is allowed) throws the JDK's
 * {@link IllegalArgumentException} or {@link NullPointerException}, and a broken internal invariant
 * (a bug) throws {@link IllegalStateException} or {@link AssertionError}.
 */
public abstract sealed class EventStoreException extends RuntimeException
        permits InvalidEventException, InvalidViewDefinitionException, ConcurrencyConflictException,
                DuplicateEventIdException, FieldNameLimitException, StateConflictException, EventNotFoundException,
                EntityNotFoundException, EntityDeletedException, ViewNotFoundException,
                StorageFailureException, InsufficientSpaceException, CorruptFileException, UnsupportedFormatException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong
     */
    protected EventStoreException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying error, or {@code null}
     */
    protected EventStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * For outcomes that are answers rather than faults, created on the sequencer thread by the
     * thousand under contention: a stack trace would cost more than the append and show only the
     * sequencer's frames, never the caller's.
     *
     * @param message what went wrong
     * @param writableStackTrace whether to fill in a stack trace
     */
    protected EventStoreException(String message, boolean writableStackTrace) {
        super(message, null, false, writableStackTrace);
    }
}
