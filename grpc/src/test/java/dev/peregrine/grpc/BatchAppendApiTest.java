package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendResp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Streams.BatchAppend} through the generated stub (the official Java client does not use the
 * call): requests sent in interleaved chunks are each appended atomically when their final chunk
 * arrives, with their expected revision, and answered by correlation id; errors have KurrentDB's
 * shape (a {@code google.rpc.Status} with a {@code WrongExpectedVersion} detail).
 */
class BatchAppendApiTest extends SharedServerTest {
    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static ManagedChannel channel;

    @BeforeAll
    static void openChannel() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void closeChannel() {
        channel.shutdownNow();
    }

    /** A BatchAppend call: chunks go out as sent, responses are collected by correlation id. */
    private static final class Call {
        final LinkedBlockingQueue<BatchAppendResp> responses = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final StreamObserver<BatchAppendReq> requests;

        Call() {
            requests = StreamsGrpc.newStub(channel).batchAppend(new StreamObserver<>() {
                @Override
                public void onNext(BatchAppendResp response) {
                    responses.add(response);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    done.complete(null);
                }
            });
        }

        Map<Shared.UUID, BatchAppendResp> take(int n) throws InterruptedException {
            Map<Shared.UUID, BatchAppendResp> byId = new HashMap<>();
            for (int i = 0; i < n; i++) {
                BatchAppendResp response = responses.poll(30, TimeUnit.SECONDS);
                assertThat(response).as("response %d of %d", i + 1, n).isNotNull();
                assertThat(byId.put(response.getCorrelationId(), response)).as("one response per request").isNull();
            }
            return byId;
        }

        void end() throws Exception {
            requests.onCompleted();
            done.get(30, TimeUnit.SECONDS);
            assertThat(responses).isEmpty();
        }
    }

    private static String stream(String prefix) {
        return prefix + "-" + STREAMS.incrementAndGet();
    }

    private static Shared.UUID id(UUID uuid) {
        return Shared.UUID.newBuilder().setString(uuid.toString()).build();
    }

    private static BatchAppendReq.ProposedMessage message(UUID id, String type, String json) {
        return BatchAppendReq.ProposedMessage.newBuilder().setId(id(id)).putMetadata("type", type)
                .putMetadata("content-type", "application/json").setData(ByteString.copyFromUtf8(json)).build();
    }

    private static BatchAppendReq.Options options(String stream) {
        return BatchAppendReq.Options.newBuilder().setStreamIdentifier(Shared.StreamIdentifier.newBuilder()
                .setStreamName(ByteString.copyFromUtf8(stream))).build();
    }

    private static List<RecordedEvent> read(String stream) throws Exception {
        try {
            return client.readStream(stream, ReadStreamOptions.get()).get().getEvents().stream()
                    .map(ResolvedEvent::getOriginalEvent).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StreamNotFoundException) {
                return List.of();
            }
            throw e;
        }
    }

    @Test
    void interleavedChunkedRequestsAreEachAppendedWholeWhenFinal() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        String why = "seed " + seed;
        int requests = 12;
        Call call = new Call();
        List<Shared.UUID> correlations = new ArrayList<>();
        List<String> streams = new ArrayList<>();
        List<List<BatchAppendReq.ProposedMessage>> remaining = new ArrayList<>();
        Map<Shared.UUID, List<UUID>> eventIds = new HashMap<>();
        for (int r = 0; r < requests; r++) {
            Shared.UUID correlation = id(UUID.randomUUID());
            String s = stream("batch");
            List<BatchAppendReq.ProposedMessage> messages = new ArrayList<>();
            List<UUID> ids = new ArrayList<>();
            for (int n = 0; n < 1 + random.nextInt(40); n++) {
                UUID eventId = UUID.randomUUID();
                ids.add(eventId);
                messages.add(message(eventId, "Batch Appended", "{\"r\":" + r + ",\"n\":" + n + "}"));
            }
            correlations.add(correlation);
            streams.add(s);
            remaining.add(messages);
            eventIds.put(correlation, ids);
            // The first chunk carries the options (no_stream), and maybe some events.
            int first = random.nextInt(messages.size() + 1);
            call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(correlation)
                    .setOptions(options(s).toBuilder().setNoStream(Empty.getDefaultInstance()))
                    .addAllProposedMessages(messages.subList(0, first)).build());
            remaining.set(r, new ArrayList<>(messages.subList(first, messages.size())));
        }
        // The rest in random chunks, interleaved across requests; nothing is stored before a final chunk.
        List<Integer> open = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            open.add(r);
        }
        while (!open.isEmpty()) {
            int r = open.get(random.nextInt(open.size()));
            List<BatchAppendReq.ProposedMessage> rest = remaining.get(r);
            int take = rest.isEmpty() ? 0 : 1 + random.nextInt(rest.size());
            boolean last = take == rest.size();
            if (last) {
                assertThat(read(streams.get(r))).as(why).isEmpty();
            }
            call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(correlations.get(r))
                    .addAllProposedMessages(rest.subList(0, take)).setIsFinal(last).build());
            remaining.set(r, new ArrayList<>(rest.subList(take, rest.size())));
            if (last) {
                open.remove(Integer.valueOf(r));
            }
        }
        Map<Shared.UUID, BatchAppendResp> answers = call.take(requests);
        call.end();
        for (int r = 0; r < requests; r++) {
            BatchAppendResp answer = answers.get(correlations.get(r));
            assertThat(answer).as(why).isNotNull();
            assertThat(answer.hasSuccess()).as(why + ": %s", answer).isTrue();
            assertThat(answer.getStreamIdentifier().getStreamName().toStringUtf8()).isEqualTo(streams.get(r));
            assertThat(answer.hasNoStream()).as("the expectation is echoed").isTrue();
            List<UUID> ids = eventIds.get(correlations.get(r));
            assertThat(answer.getSuccess().getCurrentRevision()).as(why).isEqualTo(ids.size() - 1);
            List<RecordedEvent> stored = read(streams.get(r));
            assertThat(stored).extracting(RecordedEvent::getEventId).as(why).containsExactlyElementsOf(ids);
            assertThat(stored).extracting(RecordedEvent::getEventType).containsOnly("Batch Appended");
            assertThat(stored.getLast().getPosition().getCommitUnsigned())
                    .isEqualTo(answer.getSuccess().getPosition().getCommitPosition());
        }
    }

    @Test
    void aRequestAnEnforcedSchemaRefusesGetsTheErrorStoresNothingAndTheCallGoesOn() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        String why = "seed " + seed;
        String type = "invoice.issued.batch";
        server.enforceSchema(type, "{\"type\":\"object\",\"required\":[\"total\"],"
                + "\"properties\":{\"total\":{\"type\":\"integer\",\"minimum\":0}}}");
        int requests = 24;
        Call call = new Call();
        List<Shared.UUID> correlations = new ArrayList<>();
        List<String> streams = new ArrayList<>();
        List<List<UUID>> eventIds = new ArrayList<>();
        List<Integer> badAt = new ArrayList<>(); // the index of the refused event, or -1
        for (int r = 0; r < requests; r++) {
            Shared.UUID correlation = id(UUID.randomUUID());
            String s = stream("enforced");
            int size = 1 + random.nextInt(10);
            int bad = random.nextInt(3) == 0 ? random.nextInt(size) : -1;
            List<BatchAppendReq.ProposedMessage> messages = new ArrayList<>();
            List<UUID> ids = new ArrayList<>();
            for (int n = 0; n < size; n++) {
                UUID eventId = UUID.randomUUID();
                ids.add(eventId);
                messages.add(message(eventId, type, "{\"total\":" + (n == bad ? -1 - n : n) + "}"));
            }
            correlations.add(correlation);
            streams.add(s);
            eventIds.add(ids);
            badAt.add(bad);
            call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(correlation).setOptions(options(s))
                    .addAllProposedMessages(messages).setIsFinal(true).build());
        }
        Map<Shared.UUID, BatchAppendResp> answers = call.take(requests);
        call.end();
        for (int r = 0; r < requests; r++) {
            BatchAppendResp answer = answers.get(correlations.get(r));
            List<RecordedEvent> stored = read(streams.get(r));
            if (badAt.get(r) < 0) {
                assertThat(answer.hasSuccess()).as(why + ": %s", answer).isTrue();
                assertThat(stored).extracting(RecordedEvent::getEventId).as(why).containsExactlyElementsOf(eventIds.get(r));
            } else {
                assertThat(answer.hasError()).as(why + ": %s", answer).isTrue();
                assertThat(answer.getError().getCode()).as(why).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
                assertThat(answer.getError().getMessage()).as(why).startsWith("event " + badAt.get(r) + " of the append: ")
                        .contains("'" + type + "' version 1", "at $.total: minimum");
                assertThat(stored).as(why + ": nothing of a refused request is stored").isEmpty();
            }
        }
    }

    @Test
    void expectedRevisionsAreCheckedAndAWrongOneAnswersKurrentDbsErrorShape() throws Exception {
        String s = stream("expect");
        Call call = new Call();
        Shared.UUID first = id(UUID.randomUUID());
        call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(first).setOptions(options(s).toBuilder()
                .setStreamExists(Empty.getDefaultInstance())).addProposedMessages(message(UUID.randomUUID(), "t", "{}"))
                .setIsFinal(true).build());
        BatchAppendResp missing = call.take(1).get(first);
        assertThat(missing.hasError()).isTrue();
        assertThat(missing.getError().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
        Shared.WrongExpectedVersion wrong = wrongExpectedVersion(missing);
        assertThat(wrong.hasCurrentNoStream()).isTrue();
        assertThat(wrong.hasExpectedStreamExists()).isTrue();
        assertThat(read(s)).isEmpty();

        Shared.UUID created = id(UUID.randomUUID());
        call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(created).setOptions(options(s).toBuilder()
                        .setAny(Empty.getDefaultInstance())).addProposedMessages(message(UUID.randomUUID(), "t", "{\"a\":1}"))
                .addProposedMessages(message(UUID.randomUUID(), "t", "{\"a\":2}")).setIsFinal(true).build());
        assertThat(call.take(1).get(created).getSuccess().getCurrentRevision()).isEqualTo(1);

        Shared.UUID stale = id(UUID.randomUUID());
        call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(stale).setOptions(options(s).toBuilder()
                .setStreamPosition(0)).addProposedMessages(message(UUID.randomUUID(), "t", "{}")).setIsFinal(true).build());
        BatchAppendResp conflict = call.take(1).get(stale);
        assertThat(conflict.getStreamPosition()).isZero();
        Shared.WrongExpectedVersion actual = wrongExpectedVersion(conflict);
        assertThat(actual.getCurrentStreamRevision()).isEqualTo(1);
        assertThat(actual.getExpectedStreamPosition()).isZero();

        Shared.UUID exact = id(UUID.randomUUID());
        call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(exact).setOptions(options(s).toBuilder()
                .setStreamPosition(1)).addProposedMessages(message(UUID.randomUUID(), "t", "{\"a\":3}")).setIsFinal(true).build());
        assertThat(call.take(1).get(exact).getSuccess().getCurrentRevision()).isEqualTo(2);
        call.end();
        assertThat(read(s)).extracting(e -> new String(e.getEventData(), StandardCharsets.UTF_8))
                .containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
    }

    @Test
    void aRequestWithAnInvalidEventStoresNoneOfItsChunksAndTheCallGoesOn() throws Exception {
        String s = stream("invalid");
        Call call = new Call();
        Shared.UUID bad = id(UUID.randomUUID());
        call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(bad).setOptions(options(s))
                .addProposedMessages(message(UUID.randomUUID(), "ok", "{}")).build());
        call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(bad)
                .addProposedMessages(message(UUID.randomUUID(), "bad\u0007type", "{}")).setIsFinal(true).build());
        BatchAppendResp refused = call.take(1).get(bad);
        assertThat(refused.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(refused.getError().getMessage()).contains("event_type");
        assertThat(read(s)).isEmpty();

        // A chunk of an unknown request without options is refused; idempotent re-sends store nothing twice.
        Shared.UUID orphan = id(UUID.randomUUID());
        call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(orphan)
                .addProposedMessages(message(UUID.randomUUID(), "t", "{}")).setIsFinal(true).build());
        assertThat(call.take(1).get(orphan).getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        UUID eventId = UUID.randomUUID();
        for (int attempt = 0; attempt < 2; attempt++) {
            Shared.UUID again = id(UUID.randomUUID());
            call.requests.onNext(BatchAppendReq.newBuilder().setCorrelationId(again).setOptions(options(s))
                    .addProposedMessages(message(eventId, "t", "{\"once\":true}")).setIsFinal(true).build());
            assertThat(call.take(1).get(again).getSuccess().getCurrentRevision()).isZero();
        }
        call.end();
        assertThat(read(s)).extracting(RecordedEvent::getEventId).containsExactly(eventId);
    }

    private static Shared.WrongExpectedVersion wrongExpectedVersion(BatchAppendResp response)
            throws InvalidProtocolBufferException {
        assertThat(response.getError().getMessage()).isEqualTo("WrongExpectedVersion");
        assertThat(response.getError().getDetailsList()).singleElement()
                .satisfies(any -> assertThat(any.is(Shared.WrongExpectedVersion.class)).isTrue());
        return response.getError().getDetails(0).unpack(Shared.WrongExpectedVersion.class);
    }
}
