package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.peregrine.record.InvalidJsonException;
import dev.peregrine.record.RecordLimitException;
import dev.peregrine.schema.IncompatibleSchemaException;
import dev.peregrine.schema.InvalidSchemaException;
import dev.peregrine.schema.SchemaRegistryException;
import dev.peregrine.schema.SchemaViolationException;
import dev.peregrine.schema.SubjectNotFoundException;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.StorageFailureException;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP statuses and {@code {"error": …}} messages, following
 * AllSource Core's mapping (not found → 404, invalid event → 400, storage → 500) plus conflicts
 * (409) and the request-level errors of {@link ApiException}. Stateless.
 *
 * <p>A failure that is the server's (a storage failure, a bug) is logged in full with a short
 * reference, and answered with only that reference: its message may name files of the data
 * directory or other internals a client has no business seeing. As a second guard, the data
 * directory's path is masked in every message that is answered.
 */
final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    /** What replaces the data directory's path in a message sent to a client. */
    static final String DATA_DIRECTORY_MASK = "<data>";

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

    /** The answer to {@code failure}, which happened while serving {@code exchange}'s request. */
    static Mapped map(Throwable failure, Exchange exchange) {
        Services services = exchange.services();
        return clientError(failure)
                .map(mapped -> new Mapped(mapped.status(), masked(mapped.message(), services), mapped.details()))
                .orElseGet(() -> serverError(failure, exchange.request().method() + " " + exchange.request().path()));
    }

    /**
     * The message for {@code failure} where there is no status to answer with, such as the error
     * frame of a subscription; {@code what} names the failed operation in the server log.
     */
    static String message(Throwable failure, Services services, String what) {
        return clientError(failure).map(mapped -> masked(mapped.message(), services))
                .orElseGet(() -> serverError(failure, what).message());
    }

    /** The 4xx (or 503/507) answer to a failure caused by the request, or empty when the failure is the server's. */
    static Optional<Mapped> clientError(Throwable failure) {
        return switch (unwrap(failure)) {
            case EventStoreException store -> StoreErrors.map(store);
            case SchemaRegistryException schema -> Optional.of(schemaError(schema));
            case ApiException api -> Optional.of(new Mapped(api.status(), api.getMessage(), api.details()));
            case Router.MethodNotAllowedException notAllowed -> Optional.of(new Mapped(405, notAllowed.getMessage()));
            case StreamConstraintsException limit -> Optional.of(new Mapped(400, "request JSON exceeds a limit: "
                    + limit.getOriginalMessage()));
            case JsonProcessingException json -> Optional.of(new Mapped(400, describe(json)));
            case InvalidJsonException invalid -> Optional.of(new Mapped(400, invalid.getMessage()));
            case RecordLimitException limit -> Optional.of(new Mapped(400, limit.getMessage()));
            // Anything else (another record error, a runtime exception) is a bug: the server's.
            default -> Optional.empty();
        };
    }

    /**
     * A refused payload is a 400 naming the schema, the path in the payload and the rule; a schema
     * that is no JSON Schema a 400; a missing subject or version a 404; a version whose compatibility
     * cannot be proven a 409 naming the mode.
     */
    private static Mapped schemaError(SchemaRegistryException failure) {
        return switch (failure) {
            case SchemaViolationException v -> {
                Map<String, Object> details = new java.util.LinkedHashMap<>();
                details.put("subject", v.subject());
                details.put("schema_version", v.schemaVersion());
                details.put("path", v.violation().path());
                details.put("rule", v.violation().rule());
                yield new Mapped(400, v.getMessage(), details);
            }
            case InvalidSchemaException invalid -> new Mapped(400, invalid.getMessage());
            case SubjectNotFoundException missing -> new Mapped(404, missing.getMessage());
            case IncompatibleSchemaException incompatible -> new Mapped(409, incompatible.getMessage(),
                    Map.of("compatibility", incompatible.mode().name()));
        };
    }

    /** "malformed JSON at line 1, column 17: Unexpected character ('}' …)". */
    static String describe(JsonProcessingException json) {
        JsonLocation location = json.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return "malformed JSON" + where + ": " + SOURCE_NOTE.matcher(json.getOriginalMessage()).replaceAll("[");
    }

    /** Logs the failure in full under a new reference; the answer carries only the reference. */
    private static Mapped serverError(Throwable failure, String what) {
        Throwable cause = unwrap(failure);
        String ref = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        // A storage failure that reaches here may have stored the request: say so (docs/api.md, "Retrying an append").
        String kind = cause instanceof StorageFailureException ? "storage failure, outcome unknown" : "internal error";
        LOG.error("{} failed: {} (ref {})", what, kind, ref, cause);
        return new Mapped(500, kind + "; see the server log (ref " + ref + ")", cause instanceof StorageFailureException
                ? Map.of("ref", ref, "outcome", "unknown") : Map.of("ref", ref));
    }

    /** The message with the data directory's absolute path replaced by {@value #DATA_DIRECTORY_MASK}. */
    private static String masked(String message, Services services) {
        return message.replace(services.store().directory().toAbsolutePath().toString(), DATA_DIRECTORY_MASK);
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
