package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP statuses and {@code {"error": …}} messages, following
 * AllSource Core's mapping (not found → 404, invalid event → 400, storage → 500) plus conflicts
 * (409) and the request-level errors of {@link ApiException}. Stateless.
 */
final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    /**
     * A status, the message for the client, and details a client can act on (for a conflict, the
     * entity's {@code actual_version}), written beside {@code "error"}; values are strings or numbers.
     */
    record Mapped(int status, String message, Map<String, Object> details) {
        Mapped(int status, String message) {
            this(status, message, Map.of());
        }

        /** Writes the fields after {@code "error"}. */
        void writeDetails(JsonGenerator g) throws IOException {
            for (Map.Entry<String, Object> detail : details.entrySet()) {
                g.writeFieldName(detail.getKey());
                g.writeObject(detail.getValue());
            }
        }
    }

    /** Jackson's note that it hides the source text, which says nothing useful to a client. */
    private static final Pattern SOURCE_NOTE = Pattern.compile("\\[Source: REDACTED \\([^)]*\\); ");

    private ErrorMapper() {
    }

    static Mapped map(Throwable failure, Exchange exchange) {
        Throwable cause = unwrap(failure);
        return switch (cause) {
            case ApiException api -> new Mapped(api.status(), api.getMessage());
            case Router.MethodNotAllowedException notAllowed -> new Mapped(405, notAllowed.getMessage());
            case StreamConstraintsException limit -> new Mapped(400, "request JSON exceeds a limit: "
                    + limit.getOriginalMessage());
            case JsonProcessingException json -> new Mapped(400, describe(json));
            default -> StoreErrors.map(cause).orElseGet(() -> internal(cause, exchange));
        };
    }

    /** "malformed JSON at line 1, column 17: Unexpected character ('}' …)". */
    static String describe(JsonProcessingException json) {
        JsonLocation location = json.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return "malformed JSON" + where + ": " + SOURCE_NOTE.matcher(json.getOriginalMessage()).replaceAll("[");
    }

    private static Mapped internal(Throwable cause, Exchange exchange) {
        LOG.error("{} {} failed", exchange.request().method(), exchange.request().path(), cause);
        return new Mapped(500, "internal error: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
