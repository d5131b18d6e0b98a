package dev.peregrine.server;

/**
 * A request the server refuses, with the HTTP status and the message sent as {@code {"error": …}}.
 *
 * <p>Thrown by request parsing and validation before anything reaches the store; errors raised by
 * the store itself are mapped to statuses in one place, {@link ErrorMapper}.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status to answer with. */
    int status() {
        return status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
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
