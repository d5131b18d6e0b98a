package dev.peregrine.grpc.internal;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import dev.peregrine.store.ExpectedVersion;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendResp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code Streams.BatchAppend} call: a bidirectional stream of append requests, each identified by
 * its correlation id and sent in one or more chunks (the first with the options, the last with
 * {@code is_final}). A request is appended when its final chunk arrives, atomically (all its
 * events or none, the first checked against its expected revision, as an {@code Append}), and
 * answered by one response carrying the same correlation id, the stream and the expectation. A
 * request that fails is answered with KurrentDB's error shape, a {@code google.rpc.Status} (with a
 * {@code WrongExpectedVersion} or {@code StreamDeleted} detail where KurrentDB sends one), and the
 * call goes on; the call ends when the client completes its side.
 *
 * <p>Memory: the chunks of open requests are held until their final chunk, so a call holds at most
 * {@code maxBytes} of data and metadata and {@value #MAX_OPEN_REQUESTS} open requests; a request
 * over the store's batch limit is refused as an {@code Append} would be.
 *
 * <p>Thread safety: gRPC delivers a call's messages one at a time; requests are appended in the
 * order their final chunks arrive, on the call's thread (appends block until durable).
 */
final class BatchAppendCall implements StreamObserver<BatchAppendReq> {
    /** Most requests of one call that may be open (sent in part) at once. */
    static final int MAX_OPEN_REQUESTS = 1024;

    /** Appends one complete request, as {@code Append} does, and answers as {@code Append} would. */
    @FunctionalInterface
    interface Appender {
        AppendResp append(String stream, ExpectedVersion expected, List<AppendReq.ProposedMessage> messages);
    }

    /** A request whose final chunk has not arrived yet; {@code refused} once it has been answered with an error. */
    private static final class Open {
        final BatchAppendReq.Options options;
        final ArrayList<AppendReq.ProposedMessage> messages = new ArrayList<>();
        long bytes;
        boolean refused;

        Open(BatchAppendReq.Options options) {
            this.options = options;
        }
    }

    private final StreamObserver<BatchAppendResp> responses;
    private final Appender appender;
    private final int maxEvents;
    private final long maxBytes;
    private final Map<Shared.UUID, Open> open = new HashMap<>();
    private long heldBytes;
    private boolean ended;

    BatchAppendCall(StreamObserver<BatchAppendResp> responses, Appender appender, int maxEvents, long maxBytes) {
        this.responses = responses;
        this.appender = appender;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    @Override
    public void onNext(BatchAppendReq chunk) {
        if (ended) {
            return;
        }
        Shared.UUID id = chunk.getCorrelationId();
        Open request = open.get(id);
        if (request == null) {
            if (!chunk.hasOptions()) {
                answer(error(id, BatchAppendReq.Options.getDefaultInstance(),
                        Errors.invalid("the first chunk of a batch append request carries its options")));
                return; // nothing is held for it: a later chunk of it is refused the same way
            }
            if (open.size() == MAX_OPEN_REQUESTS) {
                fail(Errors.invalid("a batch append call holds at most " + MAX_OPEN_REQUESTS + " open requests"));
                return;
            }
            request = new Open(chunk.getOptions());
            open.put(id, request);
        }
        if (!request.refused) {
            try {
                hold(request, chunk.getProposedMessagesList());
            } catch (StatusRuntimeException refused) {
                release(request);
                request.refused = true;
                answer(error(id, request.options, refused));
            }
        }
        if (chunk.getIsFinal()) {
            open.remove(id);
            if (!request.refused) {
                answer(append(id, request));
            }
            release(request);
        }
    }

    private void hold(Open request, List<BatchAppendReq.ProposedMessage> messages) {
        for (BatchAppendReq.ProposedMessage message : messages) {
            if (request.messages.size() == maxEvents) {
                throw Errors.invalid("an append holds at most " + maxEvents + " events");
            }
            long size = message.getData().size() + message.getCustomMetadata().size();
            if (heldBytes + size > maxBytes) {
                throw Errors.invalid("a batch append call holds at most " + maxBytes
                        + " bytes of data and metadata in requests not yet final");
            }
            request.bytes += size;
            heldBytes += size;
            // The same fields as an Append's message: one translation into events serves both.
            request.messages.add(AppendReq.ProposedMessage.newBuilder().setId(message.getId())
                    .putAllMetadata(message.getMetadataMap()).setCustomMetadata(message.getCustomMetadata())
                    .setData(message.getData()).build());
        }
    }

    private void release(Open request) {
        heldBytes -= request.bytes;
        request.bytes = 0;
        request.messages.clear();
        request.messages.trimToSize();
    }

    private BatchAppendResp append(Shared.UUID id, Open request) {
        BatchAppendReq.Options options = request.options;
        AppendResp answer;
        ExpectedVersion expected;
        try {
            expected = expected(options);
            answer = appender.append(Streams.name(options.getStreamIdentifier()), expected, request.messages);
        } catch (RuntimeException e) {
            return error(id, options, Errors.of(e));
        }
        if (answer.hasWrongExpectedVersion()) {
            return response(id, options).setError(wrongExpectedVersion(answer.getWrongExpectedVersion(), expected)).build();
        }
        AppendResp.Success appended = answer.getSuccess();
        BatchAppendResp.Success.Builder success = BatchAppendResp.Success.newBuilder();
        if (appended.hasCurrentRevision()) {
            success.setCurrentRevision(appended.getCurrentRevision());
        } else {
            success.setNoStream(Empty.getDefaultInstance());
        }
        if (appended.hasPosition()) {
            success.setPosition(Shared.AllStreamPosition.newBuilder()
                    .setCommitPosition(appended.getPosition().getCommitPosition())
                    .setPreparePosition(appended.getPosition().getPreparePosition()));
        } else {
            success.setNoPosition(Empty.getDefaultInstance());
        }
        return response(id, options).setSuccess(success).build();
    }

    /** The expectation of a request; none set is {@code any}, as for {@code Append}. */
    private static ExpectedVersion expected(BatchAppendReq.Options options) {
        return Streams.expected(options.hasStreamPosition(), options.getStreamPosition(), options.hasNoStream(),
                options.hasStreamExists());
    }

    /** A response naming the request: its correlation id, stream and expectation, echoed. */
    private static BatchAppendResp.Builder response(Shared.UUID id, BatchAppendReq.Options options) {
        BatchAppendResp.Builder response = BatchAppendResp.newBuilder().setCorrelationId(id)
                .setStreamIdentifier(options.getStreamIdentifier());
        switch (options.getExpectedStreamPositionCase()) {
            case STREAM_POSITION -> response.setStreamPosition(options.getStreamPosition());
            case NO_STREAM -> response.setNoStream(Empty.getDefaultInstance());
            case STREAM_EXISTS -> response.setStreamExists(Empty.getDefaultInstance());
            default -> response.setAny(Empty.getDefaultInstance());
        }
        return response;
    }

    /**
     * A refused request as KurrentDB answers it: the status code and description, and for a
     * hard-deleted stream the {@code StreamDeleted} detail its clients recognise.
     */
    private static BatchAppendResp error(Shared.UUID id, BatchAppendReq.Options options, StatusRuntimeException failure) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(failure.getStatus().getCode().value())
                .setMessage(failure.getStatus().getDescription() == null ? "" : failure.getStatus().getDescription());
        if (failure.getTrailers() != null && "stream-deleted".equals(failure.getTrailers().get(Errors.EXCEPTION))) {
            status.addDetails(Any.pack(Shared.StreamDeleted.newBuilder()
                    .setStreamIdentifier(options.getStreamIdentifier()).build()));
        }
        return response(id, options).setError(status).build();
    }

    /** KurrentDB's wrong-expected-version error: {@code FAILED_PRECONDITION} with the revisions as a detail. */
    private static com.google.rpc.Status wrongExpectedVersion(AppendResp.WrongExpectedVersion wrong, ExpectedVersion expected) {
        Shared.WrongExpectedVersion.Builder detail = Shared.WrongExpectedVersion.newBuilder();
        if (wrong.hasCurrentRevision()) {
            detail.setCurrentStreamRevision(wrong.getCurrentRevision());
        } else {
            detail.setCurrentNoStream(Empty.getDefaultInstance());
        }
        switch (expected.kind()) {
            case EXACT -> detail.setExpectedStreamPosition(expected.version() - 1);
            case NO_STREAM -> detail.setExpectedNoStream(Empty.getDefaultInstance());
            case EXISTS -> detail.setExpectedStreamExists(Empty.getDefaultInstance());
            case ANY -> detail.setExpectedAny(Empty.getDefaultInstance());
        }
        return com.google.rpc.Status.newBuilder().setCode(Status.Code.FAILED_PRECONDITION.value())
                .setMessage("WrongExpectedVersion").addDetails(Any.pack(detail.build())).build();
    }

    private void answer(BatchAppendResp response) {
        responses.onNext(response);
    }

    /** Ends the call with an error: for the call as a whole, not one of its requests. */
    private void fail(StatusRuntimeException failure) {
        ended = true;
        open.clear();
        responses.onError(failure);
    }

    @Override
    public void onError(Throwable t) {
        ended = true; // the client went away: open requests were never final, nothing of them is stored
        open.clear();
    }

    @Override
    public void onCompleted() {
        if (!ended) {
            ended = true;
            open.clear(); // requests never made final are dropped, as KurrentDB drops them
            responses.onCompleted();
        }
    }
}
