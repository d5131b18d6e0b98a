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

    /**
     * A stream longer than the server's read pages, interleaved with another stream so that positions
     * are not revisions: random reads forwards and backwards from random revisions, with counts that
     * cross pages, return exactly the revisions they should (seed printed on failure).
     */
    @Test
    void readsALongStreamFromAnyRevisionAcrossPages() throws Exception {
        String s = stream("long");
        String other = stream("interleaved");
        int events = 2_600;
        for (int i = 0; i < events; i += 100) {
            EventData[] batch = new EventData[100];
            for (int k = 0; k < batch.length; k++) {
                batch[k] = json("line.added", "{\"i\":" + (i + k) + "}");
            }
            append(s, StreamState.any(), batch);
            append(other, StreamState.any(), json("noise", "{}"));
        }
        long seed = System.nanoTime() % 100_000;
        Random random = new Random(seed);
        for (int round = 0; round < 40; round++) {
            long from = random.nextInt(events + 20);
            int count = 1 + random.nextInt(random.nextBoolean() ? 8 : 1_500);
            boolean forwards = random.nextBoolean();
            ReadStreamOptions options = ReadStreamOptions.get().fromRevision(from).maxCount(count);
            List<Long> expected = new ArrayList<>();
            for (long r = from; forwards ? r < events : r >= 0; r += forwards ? 1 : -1) {
                if (r < events && expected.size() < count) {
                    expected.add(r);
                }
            }
            List<RecordedEvent> got = read(s, forwards ? options.forwards() : options.backwards());
            assertThat(got).as("seed %d: %s from revision %d, count %d", seed, forwards ? "forwards" : "backwards",
                    from, count).extracting(RecordedEvent::getRevision).containsExactlyElementsOf(expected);
            if (!got.isEmpty()) {
                long first = got.getFirst().getRevision();
                assertThat(new String(got.getFirst().getEventData(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"i\":" + first + "}");
            }
        }
        assertThat(read(s, ReadStreamOptions.get().backwards().fromEnd().maxCount(3)))
                .extracting(RecordedEvent::getRevision).containsExactly(2_599L, 2_598L, 2_597L);
        assertThat(read(s, ReadStreamOptions.get().forwards().fromEnd())).isEmpty();
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

    /**
     * Metadata whose field names are all new to the store, some of them shared with the payload: the
     * payload's names are numbered first when the event is stored, which reorders the metadata's
     * fields if it were kept as a record. It must come back as it was sent, whatever the numbering.
     */
    @Test
    void metadataOfNewFieldNamesComesBackByteForByte() throws Exception {
        String tag = UUID.randomUUID().toString().replace("-", "");
        List<String> payloads = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String a = "a" + i + tag;
            String b = "b" + i + tag;
            String c = "c" + i + tag;
            payloads.add("{\"" + a + "\":0,\"" + c + "\":0}");
            sent.add("{\"" + b + "\":1,\"" + a + "\":{\"" + c + "\":2}}");
        }
        // The second time the names are known, so the same metadata is kept as JSON; both come back as sent.
        for (String s : List.of(stream("fresh-names"), stream("known-names"))) {
            List<EventData> events = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                events.add(EventData.builderAsJson("names.fresh", payloads.get(i).getBytes(StandardCharsets.UTF_8))
                        .metadataAsBytes(sent.get(i).getBytes(StandardCharsets.UTF_8)).build());
            }
            append(s, StreamState.noStream(), events.toArray(EventData[]::new));
            assertThat(read(s, ReadStreamOptions.get()))
                    .extracting(e -> new String(e.getUserMetadata(), StandardCharsets.UTF_8))
                    .as(s).containsExactlyElementsOf(sent);
        }
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
    void refusedAppendsAddNoFieldName() throws Exception {
        String s = stream("names");
        append(s, StreamState.noStream(), json("name.kept", "{\"grpc_kept\":1}"));
        List<String> before = server.http().store().dictionary().names();
        assertThat(cause(() -> append(s, StreamState.noStream(), json("name.conflict", "{\"grpc_conflict\":1}"))))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(cause(() -> append(s, StreamState.any(), json("name.batch", "{\"grpc_batch\":{\"deep\":1}}"),
                EventData.builderAsBinary("large.blob", new byte[1 << 20]).build())))
                .isInstanceOf(StatusRuntimeException.class);
        assertThat(server.http().store().dictionary().names()).isEqualTo(before).contains("grpc_kept")
                .doesNotContain("grpc_conflict", "grpc_batch", "deep");
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

    @Test
    void anAppendAnEnforcedSchemaRefusesStoresNothingAndNamesThePathAsHttpDoes() throws Exception {
        String type = "order.placed.grpc";
        server.enforceSchema(type, "{\"type\":\"object\",\"required\":[\"amount\"],"
                + "\"properties\":{\"amount\":{\"type\":\"number\"}}}");
        String s = stream("enforced");
        // The second event breaks the schema: the whole append is refused, the valid first one too.
        Throwable refused = cause(() -> append(s, StreamState.any(), json(type, "{\"amount\":12}"),
                json(type, "{\"amount\":\"12\"}")));
        assertThat(refused).isInstanceOf(StatusRuntimeException.class);
        Status status = ((StatusRuntimeException) refused).getStatus();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith("event 1 of the append: ").contains("$.amount", "type");
        assertThat(cause(() -> read(s, ReadStreamOptions.get()))).as("nothing stored")
                .isInstanceOf(StreamNotFoundException.class);
        // The HTTP API refuses the same payload with the same words: one check serves both faces.
        String[] http = server.postJson("/api/v1/events", "{\"event_type\":\"" + type + "\",\"entity_id\":\"" + s
                + "\",\"payload\":{\"amount\":\"12\"}}");
        assertThat(http[0]).isEqualTo("400");
        assertThat(http[1]).contains(status.getDescription().substring("event 1 of the append: ".length()));

        // Opaque bytes cannot be shown to conform: an enforced type takes JSON objects only.
        Throwable binary = cause(() -> append(s, StreamState.any(),
                EventData.builderAsBinary(type, "{\"amount\":12}".getBytes(StandardCharsets.UTF_8)).build()));
        assertThat(((StatusRuntimeException) binary).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(((StatusRuntimeException) binary).getStatus().getDescription())
                .contains("at $: type: the payload is not a JSON object");
        assertThat(cause(() -> read(s, ReadStreamOptions.get()))).isInstanceOf(StreamNotFoundException.class);

        WriteResult written = append(s, StreamState.noStream(), json(type, "{\"amount\":12}"),
                EventData.builderAsBinary("order.attachment", new byte[] {1, 2, 3}).build());
        assertThat(written.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(1));
        assertThat(read(s, ReadStreamOptions.get())).extracting(RecordedEvent::getEventType)
                .containsExactly(type, "order.attachment");
    }
}
