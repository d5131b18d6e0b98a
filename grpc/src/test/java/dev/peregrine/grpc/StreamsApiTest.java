package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WriteResult;
import io.kurrent.dbclient.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends, reads and deletes through the official KurrentDB Java client against a real server:
 * what an application written for KurrentDB sees when it points its connection string at Peregrine.
 */
class StreamsApiTest extends SharedServerTest {
    private static final AtomicInteger STREAMS = new AtomicInteger();

    static String stream(String name) {
        return name + "-" + STREAMS.incrementAndGet();
    }

    static EventData json(String type, String json) {
        return EventData.builderAsJson(type, json.getBytes(StandardCharsets.UTF_8)).build();
    }

    static WriteResult append(String stream, StreamState state, EventData... events) throws Exception {
        return client.appendToStream(stream, AppendToStreamOptions.get().streamState(state), events).get();
    }

    static List<RecordedEvent> read(String stream, ReadStreamOptions options) throws Exception {
        return client.readStream(stream, options).get().getEvents().stream().map(ResolvedEvent::getEvent).toList();
    }

    static Throwable cause(ThrowingRunnable call) {
        try {
            call.run();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void everyExpectedRevisionMapsOntoExpectedVersions() throws Exception {
        String s = stream("order");
        WriteResult first = append(s, StreamState.noStream(), json("order.placed", "{\"n\":0}"));
        assertThat(first.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(0));
        assertThat(append(s, StreamState.any(), json("order.paid", "{\"n\":1}")).getNextExpectedRevision())
                .isEqualTo(StreamState.streamRevision(1));
        assertThat(append(s, StreamState.streamExists(), json("order.packed", "{\"n\":2}")).getNextExpectedRevision())
                .isEqualTo(StreamState.streamRevision(2));
        WriteResult exact = append(s, StreamState.streamRevision(2), json("order.shipped", "{\"n\":3}"),
                json("order.delivered", "{\"n\":4}"));
        assertThat(exact.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(4));
        assertThat(exact.getLogPosition().getCommitUnsigned()).isEqualTo(exact.getLogPosition().getPrepareUnsigned())
                .isGreaterThan(first.getLogPosition().getCommitUnsigned());

        Throwable stale = cause(() -> append(s, StreamState.streamRevision(2), json("order.lost", "{}")));
        assertThat(stale).isInstanceOf(WrongExpectedVersionException.class);
        WrongExpectedVersionException wrong = (WrongExpectedVersionException) stale;
        assertThat(wrong.getStreamName()).isEqualTo(s);
        assertThat(wrong.getExpectedState()).isEqualTo(StreamState.streamRevision(2));
        assertThat(wrong.getActualState()).isEqualTo(StreamState.streamRevision(4));

        WrongExpectedVersionException exists = (WrongExpectedVersionException) cause(
                () -> append(s, StreamState.noStream(), json("order.lost", "{}")));
        assertThat(exists.getActualState()).isEqualTo(StreamState.streamRevision(4));

        String missing = stream("missing");
        WrongExpectedVersionException none = (WrongExpectedVersionException) cause(
                () -> append(missing, StreamState.streamExists(), json("order.lost", "{}")));
        assertThat(none.getExpectedState()).isEqualTo(StreamState.streamExists());
        assertThat(none.getActualState()).isEqualTo(StreamState.noStream());
        assertThat(read(s, ReadStreamOptions.get().fromStart())).extracting(RecordedEvent::getEventType)
                .containsExactly("order.placed", "order.paid", "order.packed", "order.shipped", "order.delivered");
    }

    @Test
    void readsAStreamForwardsAndBackwardsFromAnyRevision() throws Exception {
        String s = stream("account");
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            client.appendToStream(s, EventData.builderAsJson(id, "money.moved", ("{\"i\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8)).build()).get();
        }
        List<RecordedEvent> all = read(s, ReadStreamOptions.get().forwards().fromStart());
        assertThat(all).extracting(RecordedEvent::getRevision).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(all).extracting(RecordedEvent::getEventId).containsExactlyElementsOf(ids);
        assertThat(all).allSatisfy(e -> {
            assertThat(e.getStreamId()).isEqualTo(s);
            assertThat(e.getContentType()).isEqualTo("application/json");
        });
        assertThat(new String(all.get(7).getEventData(), StandardCharsets.UTF_8)).isEqualTo("{\"i\":7}");

        assertThat(read(s, ReadStreamOptions.get().forwards().fromRevision(3).maxCount(4)))
                .extracting(RecordedEvent::getRevision).containsExactly(3L, 4L, 5L, 6L);
        assertThat(read(s, ReadStreamOptions.get().backwards().fromEnd().maxCount(3)))
                .extracting(RecordedEvent::getRevision).containsExactly(9L, 8L, 7L);
        assertThat(read(s, ReadStreamOptions.get().backwards().fromRevision(5)))
                .extracting(RecordedEvent::getRevision).containsExactly(5L, 4L, 3L, 2L, 1L, 0L);
        assertThat(read(s, ReadStreamOptions.get().forwards().fromRevision(10))).isEmpty();

        // Positions increase with revisions, and $all agrees with the stream.
        List<Long> positions = all.stream().map(e -> e.getPosition().getCommitUnsigned()).toList();
        assertThat(positions).isSorted().doesNotHaveDuplicates();
        List<RecordedEvent> fromAll = client.readAll(ReadAllOptions.get().fromPosition(new Position(positions.get(2),
                positions.get(2))).maxCount(1)).get().getEvents().stream().map(ResolvedEvent::getEvent).toList();
        assertThat(fromAll).extracting(RecordedEvent::getEventId).containsExactly(ids.get(2));

        assertThat(cause(() -> read(stream("nothing"), ReadStreamOptions.get())))
                .isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void readsAllForwardsAndBackwards() throws Exception {
        String s = stream("ledger");
        for (int i = 0; i < 5; i++) {
            append(s, StreamState.any(), json("ledger.line", "{\"i\":" + i + "}"));
        }
        List<ResolvedEvent> forwards = client.readAll(ReadAllOptions.get().forwards().fromStart()).get().getEvents();
        List<Long> positions = forwards.stream().map(e -> e.getEvent().getPosition().getCommitUnsigned()).toList();
        assertThat(positions).isSorted().doesNotHaveDuplicates();
        List<ResolvedEvent> backwards = client.readAll(ReadAllOptions.get().backwards().fromEnd()).get().getEvents();
        assertThat(backwards.stream().map(e -> e.getEvent().getPosition().getCommitUnsigned()).toList())
                .containsExactlyElementsOf(positions.reversed());
        List<ResolvedEvent> lastTwo = client.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(2)).get().getEvents();
        assertThat(lastTwo).extracting(e -> e.getEvent().getPosition().getCommitUnsigned())
                .containsExactly(positions.getLast(), positions.get(positions.size() - 2));
        assertThat(client.readAll(ReadAllOptions.get().forwards().fromEnd()).get().getEvents()).isEmpty();
    }

    @Test
    void reAppendingTheSameEventIdsIsIdempotent() throws Exception {
        String s = stream("payment");
        EventData a = EventData.builderAsJson(UUID.randomUUID(), "payment.taken", "{\"cents\":100}"
                .getBytes(StandardCharsets.UTF_8)).build();
        EventData b = EventData.builderAsJson(UUID.randomUUID(), "payment.refunded", "{\"cents\":100}"
                .getBytes(StandardCharsets.UTF_8)).build();
        WriteResult first = append(s, StreamState.noStream(), a, b);
        WriteResult again = append(s, StreamState.any(), a, b);
        assertThat(again.getNextExpectedRevision()).isEqualTo(first.getNextExpectedRevision());
        assertThat(again.getLogPosition()).isEqualTo(first.getLogPosition());
        assertThat(read(s, ReadStreamOptions.get())).extracting(RecordedEvent::getEventId)
                .containsExactly(a.getEventId(), b.getEventId());
    }

    @Test
    void binaryDataAndCustomMetadataComeBackByteForByte() throws Exception {
        String s = stream("blob");
        Random random = new Random(42);
        byte[] data = new byte[4096];
        random.nextBytes(data);
        byte[] metadata = "{ \"trace\" : \"not compact\" }".getBytes(StandardCharsets.UTF_8);
        byte[] compactMetadata = "{\"trace\":\"abc\",\"n\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] binaryMetadata = {0, 1, 2, (byte) 0xff};
        append(s, StreamState.noStream(),
                EventData.builderAsBinary("blob.stored", data).metadataAsBytes(metadata).build(),
                EventData.builderAsJson("blob.noted", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8))
                        .metadataAsBytes(compactMetadata).build(),
                EventData.builderAsBinary("blob.empty", new byte[0]).metadataAsBytes(binaryMetadata).build(),
                EventData.builderAsJson("blob.array", "[1,2,3]".getBytes(StandardCharsets.UTF_8)).build());
        List<RecordedEvent> events = read(s, ReadStreamOptions.get());
        assertThat(events.get(0).getEventData()).isEqualTo(data);
        assertThat(events.get(0).getContentType()).isEqualTo("application/octet-stream");
        assertThat(events.get(0).getUserMetadata()).isEqualTo(metadata);
        assertThat(events.get(1).getUserMetadata()).isEqualTo(compactMetadata);
        assertThat(events.get(2).getEventData()).isEmpty();
        assertThat(events.get(2).getUserMetadata()).isEqualTo(binaryMetadata);
        assertThat(new String(events.get(3).getEventData(), StandardCharsets.UTF_8)).isEqualTo("[1,2,3]");
        assertThat(events.get(3).getContentType()).isEqualTo("application/json");
        assertThat(events).extracting(RecordedEvent::getEventType)
                .containsExactly("blob.stored", "blob.noted", "blob.empty", "blob.array");
    }

    @Test
    void anEventNearTheOneMebibyteLimitIsStoredWholeAndOneOverItIsRefused() throws Exception {
        String s = stream("large");
        // The store's limit is 1 MiB of encoded payload and metadata (KurrentDB's default is 1 MiB per append).
        byte[] data = new byte[(1 << 20) - 1024];
        new Random(7).nextBytes(data);
        append(s, StreamState.noStream(), EventData.builderAsBinary("large.blob", data).build());
        assertThat(read(s, ReadStreamOptions.get()).getFirst().getEventData()).isEqualTo(data);

        Throwable tooLarge = cause(() -> append(s, StreamState.any(),
                EventData.builderAsBinary("large.blob", new byte[1 << 20]).build()));
        assertThat(tooLarge).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) tooLarge).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(tooLarge.getMessage()).contains("limit of 1048576");
        assertThat(read(s, ReadStreamOptions.get())).hasSize(1);
    }

    @Test
    void aSoftDeletedStreamReadsAsNotFoundAndCanBeWrittenAgain() throws Exception {
        String s = stream("cart");
        append(s, StreamState.noStream(), json("cart.opened", "{}"), json("cart.item", "{}"));
        Throwable wrong = cause(() -> client.deleteStream(s, DeleteStreamOptions.get()
                .streamState(StreamState.streamRevision(0))).get());
        assertThat(wrong).isInstanceOf(WrongExpectedVersionException.class);
        assertThat(((WrongExpectedVersionException) wrong).getActualState()).isEqualTo(StreamState.streamRevision(1));

        assertThat(client.deleteStream(s, DeleteStreamOptions.get().streamState(StreamState.streamRevision(1))).get()
                .getPosition().getCommitUnsigned()).isPositive();
        assertThat(cause(() -> read(s, ReadStreamOptions.get()))).isInstanceOf(StreamNotFoundException.class);

        append(s, StreamState.any(), json("cart.reopened", "{}"));
        assertThat(read(s, ReadStreamOptions.get())).extracting(RecordedEvent::getEventType).containsExactly("cart.reopened");
    }

    @Test
    void aTombstonedStreamIsGoneForGood() throws Exception {
        String s = stream("user");
        append(s, StreamState.noStream(), json("user.created", "{}"));
        client.tombstoneStream(s, DeleteStreamOptions.get().streamState(StreamState.streamExists())).get();

        Throwable read = cause(() -> read(s, ReadStreamOptions.get()));
        assertThat(read).isInstanceOf(StatusRuntimeException.class);
        StatusRuntimeException status = (StatusRuntimeException) read;
        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getTrailers().get(io.grpc.Metadata.Key.of("exception", io.grpc.Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("stream-deleted");
        for (StreamState state : List.of(StreamState.any(), StreamState.noStream(), StreamState.streamExists())) {
            Throwable append = cause(() -> append(s, state, json("user.back", "{}")));
            assertThat(append).as("append expecting %s", state).isInstanceOf(StreamDeletedException.class);
        }
        assertThat(cause(() -> client.deleteStream(s).get())).isInstanceOf(StreamDeletedException.class);
    }

    @Test
    void aTombstoneSurvivesARestart(@TempDir Path own) throws Exception {
        String s = "survivor";
        try (KurrentTestServer first = new KurrentTestServer(own)) {
            KurrentDBClient c = first.client();
            c.appendToStream(s, json("survivor.born", "{}")).get();
            c.tombstoneStream(s).get();
        }
        try (KurrentTestServer second = new KurrentTestServer(own)) {
            KurrentDBClient c = second.client();
            assertThat(cause(() -> c.appendToStream(s, AppendToStreamOptions.get().streamState(StreamState.noStream()),
                    json("survivor.again", "{}")).get())).isInstanceOf(StreamDeletedException.class);
        }
    }
}
