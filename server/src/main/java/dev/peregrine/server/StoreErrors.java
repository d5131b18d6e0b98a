package dev.peregrine.server;

import dev.peregrine.record.InvalidJsonException;
import dev.peregrine.record.RecordLimitException;
import dev.peregrine.store.ConcurrencyConflictException;
import dev.peregrine.store.DuplicateEventIdException;
import dev.peregrine.store.EntityDeletedException;
import dev.peregrine.store.EntityNotFoundException;
import dev.peregrine.store.EventNotFoundException;
import dev.peregrine.store.FieldNameLimitException;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.view.InvalidViewDefinitionException;
import dev.peregrine.store.view.ViewNotFoundException;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the store's and the record format's typed exceptions that the server answers with a status of
 * their own to HTTP statuses, AllSource Core's way: not found → 404, invalid → 400; plus conflicts
 * → 409, a deleted entity → 410, the store's field name limit → 422, and storage refusals that wrote nothing → 507 (disk full) or 503.
 * Kept apart from {@link ErrorMapper} so that those hierarchies are named in one file. A storage
 * failure whose outcome is unknown, and corruption, are the server's: they map to nothing here and
 * become the logged, reference-only 500 of {@link ErrorMapper}.
 */
final class StoreErrors {
    private StoreErrors() {
    }

    static Optional<ErrorMapper.Mapped> map(Throwable cause) {
        ErrorMapper.Mapped mapped = switch (cause) {
            case ConcurrencyConflictException conflict -> new ErrorMapper.Mapped(409, conflict.getMessage(),
                    Map.of("entity_id", conflict.entityId(), "expected_version", conflict.expected().toString(),
                            "actual_version", conflict.actualVersion()));
            case DuplicateEventIdException duplicate -> new ErrorMapper.Mapped(409, duplicate.getMessage(),
                    Map.of("event_id", duplicate.eventId().toString(), "existing_position", duplicate.existingPosition()));
            // 422: the request is well-formed and valid, but this store cannot take more names.
            case FieldNameLimitException limit -> new ErrorMapper.Mapped(422, limit.getMessage() + " (--max-field-names)",
                    Map.of("field_names", limit.held(), "max_field_names", limit.limit()));
            case EventNotFoundException notFound -> new ErrorMapper.Mapped(404, notFound.getMessage());
            case EntityNotFoundException notFound -> new ErrorMapper.Mapped(404, notFound.getMessage());
            case EntityDeletedException deleted -> new ErrorMapper.Mapped(410, deleted.getMessage());
            case InvalidEventException invalid -> new ErrorMapper.Mapped(400, invalid.getMessage());
            case InvalidJsonException invalid -> new ErrorMapper.Mapped(400, invalid.getMessage());
            case RecordLimitException limit -> new ErrorMapper.Mapped(400, limit.getMessage());
            case InvalidViewDefinitionException invalid -> new ErrorMapper.Mapped(400, invalid.getMessage());
            case ViewNotFoundException notFound -> new ErrorMapper.Mapped(404, notFound.getMessage());
            case StorageFailureException storage when storage.outcome() == StorageFailureException.Outcome.NOT_WRITTEN ->
                    notWritten(storage);
            default -> null;
        };
        return Optional.ofNullable(mapped);
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
