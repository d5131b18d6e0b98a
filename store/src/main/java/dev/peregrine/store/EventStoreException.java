package dev.peregrine.store;

/**
 * Root of every error the store reports. The hierarchy is sealed so that a caller (for example the
 * HTTP server) can map each kind to a response once, exhaustively, with a {@code switch}.
 *
 * <ul>
 *   <li>{@link InvalidEventException}: the caller sent something the store rejects (bad id, size…);</li>
 *   <li>{@link ConcurrencyConflictException}: an expected version did not match;</li>
 *   <li>{@link DuplicateEventIdException}: an event id was reused with different content;</li>
 *   <li>{@link FieldNameLimitException}: the events need more distinct field names than the store allows;</li>
 *   <li>{@link EventNotFoundException}, {@link EntityNotFoundException}, {@link EntityDeletedException}:
 *       the thing asked for does not exist (or no longer does);</li>
 *   <li>{@link StorageFailureException}: the disk failed, or the store is closed;</li>
 *   <li>{@link CorruptLogException}: a file on disk fails its checksum or framing.</li>
 * </ul>
 */
public abstract sealed class EventStoreException extends RuntimeException
        permits InvalidEventException, ConcurrencyConflictException, DuplicateEventIdException, FieldNameLimitException,
                EventNotFoundException, EntityNotFoundException, EntityDeletedException,
                StorageFailureException, CorruptLogException {

    private static final long serialVersionUID = 1L;

    EventStoreException(String message) {
        super(message);
    }

    EventStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * For outcomes that are answers rather than faults, created on the sequencer thread by the
     * thousand under contention: a stack trace would cost more than the append and show only the
     * sequencer's frames, never the caller's.
     */
    EventStoreException(String message, boolean writableStackTrace) {
        super(message, null, false, writableStackTrace);
    }
}
