package dev.peregrine.server;

import dev.peregrine.store.ConcurrencyConflictException;
import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.DuplicateEventIdException;
import dev.peregrine.store.EntityDeletedException;
import dev.peregrine.store.EntityNotFoundException;
import dev.peregrine.store.EventNotFoundException;
import dev.peregrine.store.FieldNameLimitException;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.InsufficientSpaceException;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.view.InvalidViewDefinitionException;
import dev.peregrine.store.view.ViewNotFoundException;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the store's typed exceptions to HTTP statuses, AllSource Core's way: not found → 404,
 * invalid → 400; plus conflicts → 409, a deleted entity → 410, and storage refusals that wrote
 * nothing → 507 (disk full) or 503. Kept apart from {@link ErrorMapper} so that the store's
 * hierarchy is named in one file.
 *
 * <p>The store's hierarchy is sealed and {@link #map(EventStoreException)} switches over it without a
 * {@code default}: a new kind of store error does not compile until it is given an answer here. The
 * failures that are the server's rather than the client's (a storage failure whose outcome is unknown,
 * a damaged file, a file of another format version) map to empty and become the logged,
 * reference-only 500 of {@link ErrorMapper}: their messages name files of the data directory.
 */
final class StoreErrors {
    private StoreErrors() {
    }

    /** The answer to a store error, or empty when the failure is the server's. */
    static Optional<ErrorMapper.Mapped> map(EventStoreException failure) {
        return switch (failure) {
            case ConcurrencyConflictException conflict -> answer(409, conflict, Map.of("entity_id", conflict.entityId(),
                    "expected_version", conflict.expected().toString(), "actual_version", conflict.actualVersion()));
            case DuplicateEventIdException duplicate -> answer(409, duplicate, Map.of(
                    "event_id", duplicate.eventId().toString(), "existing_position", duplicate.existingPosition()));
            case StateConflictException conflict -> answer(409, conflict, Map.of());
            // 422: the request is well-formed and valid, but this store cannot take more names.
            case FieldNameLimitException limit -> Optional.of(new ErrorMapper.Mapped(422,
                    limit.getMessage() + " (--max-field-names)",
                    Map.of("field_names", limit.held(), "max_field_names", limit.limit())));
            case EventNotFoundException notFound -> answer(404, notFound, Map.of());
            case EntityNotFoundException notFound -> answer(404, notFound, Map.of());
            case ViewNotFoundException notFound -> answer(404, notFound, Map.of());
            case EntityDeletedException deleted -> answer(410, deleted, Map.of());
            case InvalidEventException invalid -> answer(400, invalid, Map.of());
            // "where" lets an editor (the console's) point at the offending part of the definition.
            case InvalidViewDefinitionException invalid -> answer(400, invalid, Map.of("where", invalid.where()));
            // 507 before the disk is full: the free-space watermark (--min-free-bytes).
            case InsufficientSpaceException space -> answer(507, space, Map.of("outcome", "not_written",
                    "free_bytes", space.freeBytes(), "watermark_bytes", space.watermarkBytes()));
            case StorageFailureException storage -> switch (storage.outcome()) {
                case NOT_WRITTEN -> Optional.of(notWritten(storage));
                case UNKNOWN -> Optional.empty();
            };
            case CorruptFileException corrupt -> Optional.empty();
            case UnsupportedFormatException unsupported -> Optional.empty();
        };
    }

    private static Optional<ErrorMapper.Mapped> answer(int status, EventStoreException failure, Map<String, Object> details) {
        return Optional.of(new ErrorMapper.Mapped(status, failure.getMessage(), details));
    }

    /**
     * A refusal that stored nothing says so ({@code "outcome": "not_written"}): retrying is safe. The
     * message never names a file: paths stay in the server's log.
     */
    private static ErrorMapper.Mapped notWritten(StorageFailureException storage) {
        return storage.diskFull()
                ? new ErrorMapper.Mapped(507, "insufficient storage: the disk is full; nothing was stored, retry later",
                        Map.of("outcome", "not_written"))
                : new ErrorMapper.Mapped(503, "storage unavailable: " + storage.reason() + "; nothing was stored",
                        Map.of("outcome", "not_written"));
    }
}
