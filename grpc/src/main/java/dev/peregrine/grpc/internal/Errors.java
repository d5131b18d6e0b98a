package dev.peregrine.grpc.internal;

import dev.peregrine.record.RecordException;
import dev.peregrine.schema.SchemaViolationException;
import dev.peregrine.store.DuplicateEventIdException;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.FieldNameLimitException;
import dev.peregrine.store.InsufficientSpaceException;
import dev.peregrine.store.InvalidEventException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC errors KurrentDB answers with, and the one mapping of the store's typed errors onto
 * gRPC statuses. KurrentDB's clients recognise stream-deleted and wrong-expected-version by the
 * {@code exception} trailer of a {@code FAILED_PRECONDITION}, with the stream's name and the raw
 * revisions in further trailers; every other status carries a description naming the problem, never
 * a path or a secret.
 */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    static final Metadata.Key<String> EXCEPTION = key("exception");
    static final Metadata.Key<String> STREAM_NAME = key("stream-name");
    static final Metadata.Key<String> EXPECTED_VERSION = key("expected-version");
    static final Metadata.Key<String> ACTUAL_VERSION = key("actual-version");

    private Errors() {
    }

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    /** The stream was tombstoned (hard deleted): it can never be read or written again. */
    static StatusRuntimeException streamDeleted(String stream) {
        Metadata trailers = new Metadata();
        trailers.put(EXCEPTION, "stream-deleted");
        trailers.put(STREAM_NAME, stream);
        return Status.FAILED_PRECONDITION.withDescription("Event stream '" + stream + "' is deleted.")
                .asRuntimeException(trailers);
    }

    /** A delete or tombstone that expected another revision (appends answer in their body instead). */
    static StatusRuntimeException wrongExpectedVersion(String stream, ExpectedVersion expected, long actualVersion) {
        Metadata trailers = new Metadata();
        trailers.put(EXCEPTION, "wrong-expected-version");
        trailers.put(STREAM_NAME, stream);
        trailers.put(EXPECTED_VERSION, Long.toString(Streams.raw(expected)));
        trailers.put(ACTUAL_VERSION, Long.toString(Streams.rawCurrent(actualVersion)));
        return Status.FAILED_PRECONDITION.withDescription("Wrong expected version: stream '" + stream + "' expected "
                + expected + ", is at version " + actualVersion).asRuntimeException(trailers);
    }

    static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    /**
     * The status for a failure of a store call (unwrapping a future's completion exception). Errors
     * of the request are {@code INVALID_ARGUMENT} (a payload an enforced schema refuses too, named by
     * its index in the append, with the schema, the path and the rule); a full disk or dictionary is
     * {@code RESOURCE_EXHAUSTED}; anything else is logged and answered {@code INTERNAL} without
     * details, which might name files.
     */
    static StatusRuntimeException of(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return switch (cause) {
            case StatusRuntimeException status -> status;
            case InvalidEventException invalid -> invalid(invalid.getMessage());
            case SchemaViolationException refused -> invalid("event " + refused.eventIndex() + " of the append: "
                    + refused.getMessage());
            case RecordException invalid -> invalid(invalid.getMessage());
            case DuplicateEventIdException duplicate -> Status.ALREADY_EXISTS.withDescription("event id "
                    + duplicate.eventId() + " is stored already with other content").asRuntimeException();
            case InsufficientSpaceException full -> Status.RESOURCE_EXHAUSTED.withDescription(full.getMessage())
                    .asRuntimeException();
            case FieldNameLimitException full -> Status.RESOURCE_EXHAUSTED.withDescription(full.getMessage())
                    .asRuntimeException();
            default -> {
                LOG.error("gRPC call failed", cause);
                yield Status.INTERNAL.withDescription(cause instanceof EventStoreException
                        ? "the store failed to complete the request" : "internal error").asRuntimeException();
            }
        };
    }
}
