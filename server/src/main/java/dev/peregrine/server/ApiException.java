package dev.peregrine.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the server refuses, with the HTTP status and the message sent as {@code {"error": …}},
 * and details written beside it (for an error about one event of a batch, its {@code index}).
 *
 * <p>Thrown by request parsing and validation before anything reaches the store; errors raised by
 * the store itself are mapped to statuses in one place, {@link ErrorMapper}.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, Object> details;

    ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    /** @param details fields written after {@code "error"}, in order; values are strings or numbers */
    ApiException(int status, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.status = status;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The HTTP status to answer with. */
    int status() {
        return status;
    }

    /** Fields written after {@code "error"}. */
    Map<String, Object> details() {
        return details;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    /** The one answer to a refused credential: it never says which part was wrong. */
    static ApiException unauthorized() {
        return new ApiException(401, "authentication required: send a valid API key as 'X-API-Key: <key>' or"
                + " 'Authorization: Bearer <key>'");
    }

    /** The detail of a 429 that the {@code Retry-After} header repeats: whole seconds. */
    static final String RETRY_AFTER = "retry_after_seconds";

    static ApiException tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiException(429, message, Map.of(RETRY_AFTER, retryAfterSeconds));
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException tooLarge(String message) {
        return new ApiException(413, message);
    }

    static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, message);
    }
}
