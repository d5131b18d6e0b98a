package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.proto.gossip.GossipGrpc;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures;
import io.kurrent.dbclient.proto.shared.Shared;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gRPC face beside the HTTP API over one store: events written by either are read by the other
 * with the same payload bytes; discovery calls; unimplemented services; many clients at once.
 */
class InteropApiTest extends SharedServerTest {
    @Test
    void anEventAppendedOverHttpReadsOverGrpcWithTheSamePayloadBytes() throws Exception {
        // The store keeps JSON as a record and renders it as the HTTP API shows it: compact, numbers
        // in their shortest exact form. Both faces return those same bytes; JSON already in that form
        // (as Jackson, and most clients, write it) comes back exactly as it was sent.
        String payload = "{\"name\":\"Zoë\",\"amount\":12.5,\"big\":123456789012345678901234567890,\"tags\":[\"a\",null,true]}";
        String metadata = "{\"source\":\"http\"}";
        String[] posted = server.postJson("/api/v1/events", "{\"event_type\":\"user.created\",\"entity_id\":\"user-http\","
                + "\"payload\":" + payload + ",\"metadata\":" + metadata + "}");
        assertThat(posted[0]).isEqualTo("200");
        RecordedEvent event = client.readStream("user-http", ReadStreamOptions.get()).get().getEvents().getFirst().getEvent();
        assertThat(new String(event.getEventData(), StandardCharsets.UTF_8)).isEqualTo(payload);
        assertThat(new String(event.getUserMetadata(), StandardCharsets.UTF_8)).isEqualTo(metadata);
        assertThat(event.getEventType()).isEqualTo("user.created");
        assertThat(event.getContentType()).isEqualTo("application/json");
        assertThat(event.getRevision()).isZero();
        assertThat(posted[1]).contains("\"position\":" + event.getPosition().getCommitUnsigned());
        String[] read = server.get("/api/v1/events/query?entity_id=user-http");
        assertThat(read[1]).contains("\"payload\":" + new String(event.getEventData(), StandardCharsets.UTF_8));

        // A number spelt with a trailing zero is kept as its value: both faces render it the same way.
        server.postJson("/api/v1/events", "{\"event_type\":\"user.renamed\",\"entity_id\":\"user-http\","
                + "\"payload\":{\"amount\":12.50}}");
        RecordedEvent renamed = client.readStream("user-http", ReadStreamOptions.get().fromRevision(1)).get()
                .getEvents().getFirst().getEvent();
        assertThat(new String(renamed.getEventData(), StandardCharsets.UTF_8)).isEqualTo("{\"amount\":12.5}");
        assertThat(server.get("/api/v1/events/query?entity_id=user-http")[1]).contains("\"payload\":{\"amount\":12.5}");
    }

    @Test
    void anEventAppendedOverGrpcReadsOverHttpWithTheSamePayloadBytes() throws Exception {
        String payload = "{\"sku\":\"A-1\",\"qty\":3,\"price\":9.99}";
        UUID id = UUID.randomUUID();
        client.appendToStream("order-grpc", AppendToStreamOptions.get().streamState(StreamState.noStream()),
                EventData.builderAsJson(id, "order.placed", payload.getBytes(StandardCharsets.UTF_8))
                        .metadataAsBytes("{\"via\":\"grpc\"}".getBytes(StandardCharsets.UTF_8)).build()).get();
        String[] query = server.get("/api/v1/events/query?entity_id=order-grpc");
        assertThat(query[0]).isEqualTo("200");
        assertThat(query[1]).contains("\"payload\":" + payload).contains("\"metadata\":{\"via\":\"grpc\"}")
                .contains("\"id\":\"" + id + "\"").contains("\"version\":1").contains("\"event_type\":\"order.placed\"");
        // Non-canonical JSON is kept as its fields, and read back in the store's rendering.
        client.appendToStream("order-grpc", EventData.builderAsJson("order.noted",
                "{ \"b\" : 1.0 ,\n \"a\" : [ ] }".getBytes(StandardCharsets.UTF_8)).build()).get();
        assertThat(new String(client.readStream("order-grpc", ReadStreamOptions.get().fromRevision(1)).get().getEvents()
                .getFirst().getEvent().getEventData(), StandardCharsets.UTF_8)).isEqualTo("{\"b\":1.0,\"a\":[]}");
    }

    @Test
    void gossipNamesThisNodeAsLeaderAndServerFeaturesListWhatIsServed() {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        try {
            GossipOuterClass.ClusterInfo cluster = GossipGrpc.newBlockingStub(channel).read(Shared.Empty.getDefaultInstance());
            assertThat(cluster.getMembersList()).singleElement().satisfies(member -> {
                assertThat(member.getState()).isEqualTo(GossipOuterClass.MemberInfo.VNodeState.Leader);
                assertThat(member.getIsAlive()).isTrue();
                assertThat(member.getHttpEndPoint().getPort()).isEqualTo(server.grpcPort());
            });
            Serverfeatures.SupportedMethods methods = ServerFeaturesGrpc.newBlockingStub(channel)
                    .getSupportedMethods(Shared.Empty.getDefaultInstance());
            assertThat(methods.getMethodsList()).extracting(m -> m.getServiceName() + "/" + m.getMethodName())
                    .containsExactlyInAnyOrder("event_store.client.streams.streams/read",
                            "event_store.client.streams.streams/append",
                            "event_store.client.streams.streams/batchappend",
                            "event_store.client.streams.streams/delete",
                            "event_store.client.streams.streams/tombstone",
                            "event_store.client.persistent_subscriptions.persistentsubscriptions/create",
                            "event_store.client.persistent_subscriptions.persistentsubscriptions/update",
                            "event_store.client.persistent_subscriptions.persistentsubscriptions/delete",
                            "event_store.client.persistent_subscriptions.persistentsubscriptions/read",
                            "event_store.client.persistent_subscriptions.persistentsubscriptions/getinfo",
                            "event_store.client.persistent_subscriptions.persistentsubscriptions/list",
                            "event_store.client.persistent_subscriptions.persistentsubscriptions/replayparked",
                            "event_store.client.persistent_subscriptions.persistentsubscriptions/restartsubsystem",
                            "event_store.client.gossip.gossip/read",
                            "event_store.client.operations.operations/startscavenge",
                            "event_store.client.operations.operations/stopscavenge",
                            "event_store.client.server_features.serverfeatures/getsupportedmethods");
            // Clients subscribe to $all persistently only when Create reports the feature "all".
            assertThat(methods.getMethodsList()).filteredOn(m -> m.getMethodName().equals("create"))
                    .singleElement().satisfies(m -> assertThat(m.getFeaturesList()).containsExactly("stream", "all"));
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void projectionsAnswerUnimplemented() {
        KurrentDBProjectionManagementClient projections = KurrentDBProjectionManagementClient.from(client);
        try {
            projections.create("order-totals", "fromAll().when({})").get();
            throw new AssertionError("creating a projection succeeded");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
            assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void concurrentClientsOnRealThreadsLoseAndDuplicateNothing() throws Exception {
        int clients = 8;
        int perClient = 150;
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            KurrentDBClient own = server.client();
            String mine = "writer-" + c;
            writers.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < perClient; i++) {
                        // Its own stream with exact revisions, and a shared one with `any`.
                        own.appendToStream(mine, AppendToStreamOptions.get().streamState(
                                        i == 0 ? StreamState.noStream() : StreamState.streamRevision(i - 1)),
                                EventData.builderAsJson("work.done", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                                        .build()).get();
                        own.appendToStream("shared", EventData.builderAsJson("work.shared",
                                ("{\"c\":\"" + mine + "\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)).build()).get();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, runnable -> Thread.ofPlatform().name("client-writer").start(runnable)));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        for (int c = 0; c < clients; c++) {
            List<ResolvedEvent> events = client.readStream("writer-" + c, ReadStreamOptions.get()).get().getEvents();
            assertThat(events).hasSize(perClient);
            for (int i = 0; i < perClient; i++) {
                assertThat(new String(events.get(i).getEvent().getEventData(), StandardCharsets.UTF_8)).isEqualTo("{\"i\":" + i + "}");
            }
        }
        List<ResolvedEvent> shared = client.readStream("shared", ReadStreamOptions.get()).get().getEvents();
        Set<String> distinct = new HashSet<>();
        for (ResolvedEvent event : shared) {
            distinct.add(new String(event.getEvent().getEventData(), StandardCharsets.UTF_8));
        }
        assertThat(shared).hasSize(clients * perClient);
        assertThat(distinct).hasSize(clients * perClient);
        assertThat(shared).extracting(e -> e.getEvent().getRevision()).isSorted().doesNotHaveDuplicates();
    }
}
