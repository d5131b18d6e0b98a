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
 * Maps the store's and the record format's typed exceptions to HTTP statuses, AllSource Core's
 * way: not found → 404, invalid → 400, storage → 500; plus conflicts → 409, a deleted entity →
 * 410 and the store's field name limit → 422. Kept apart from {@link ErrorMapper} so that those hierarchies are named in one file.
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
            case StorageFailureException storage -> new ErrorMapper.Mapped(500, "storage failure: " + storage.getMessage());
            default -> null;
        };
        return Optional.ofNullable(mapped);
    }
}
