package dev.peregrine.server;

import java.util.Optional;

/**
 * Maps the store's typed exceptions to HTTP statuses. Kept apart from {@link ErrorMapper} so the
 * store's exception hierarchy is named in exactly one file.
 */
final class StoreErrors {
    private StoreErrors() {
    }

    static Optional<ErrorMapper.Mapped> map(Throwable cause) {
        return Optional.empty();
    }
}
