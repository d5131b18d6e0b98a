package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.retention.RetentionRule;
import dev.peregrine.store.retention.ScavengeStatus;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KurrentDB's {@code Operations.StartScavenge} and {@code StopScavenge} run and stop the store's
 * scavenge; the service's other calls answer {@code UNIMPLEMENTED}. The official client has no
 * operations API, so the calls are made with messages encoded here by field number, as KurrentDB's
 * {@code operations.proto} numbers them (independently of the server's own description).
 */
class OperationsApiTest {
    private static final String SERVICE = "event_store.client.operations.Operations";

    @TempDir
    Path data;

    /** Passes the encoded message through as bytes. */
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static byte[] call(ManagedChannel channel, String method, byte[] request) {
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        return ClientCalls.blockingUnaryCall(channel, descriptor, CallOptions.DEFAULT, request);
    }

    /** {@code StartScavengeReq{options{thread_count, start_from_chunk}}}. */
    private static byte[] startRequest(int threads, int fromChunk) throws IOException {
        ByteArrayOutputStream options = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(options);
        o.writeInt32(1, threads);
        o.writeInt32(2, fromChunk);
        o.flush();
        return message(1, options.toByteArray());
    }

    /** {@code StopScavengeReq{options{scavenge_id}}}. */
    private static byte[] stopRequest(String id) throws IOException {
        ByteArrayOutputStream options = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(options);
        o.writeString(1, id);
        o.flush();
        return message(1, options.toByteArray());
    }

    private static byte[] message(int field, byte[] nested) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeBytes(field, ByteString.copyFrom(nested));
        out.flush();
        return bytes.toByteArray();
    }

    /** A {@code ScavengeResp}: its id (field 1) and result (field 2: 0 Started, 1 InProgress, 2 Stopped). */
    private record Scavenge(String id, long result) {
        static Scavenge of(byte[] bytes) throws IOException {
            UnknownFieldSet fields = UnknownFieldSet.parseFrom(bytes);
            String id = fields.getField(1).getLengthDelimitedList().getFirst().toString(StandardCharsets.UTF_8);
            List<Long> result = fields.hasField(2) ? fields.getField(2).getVarintList() : List.of(0L);
            return new Scavenge(id, result.getFirst());
        }
    }

    @Test
    void startAndStopScavengeRunTheStoresScavengeByItsId() throws Exception {
        try (KurrentTestServer server = new KurrentTestServer(data, b -> b.segmentBytes(64 * 1024))) {
            KurrentDBClient client = server.client();
            EventStore store = server.http().store();
            for (int batch = 0; batch < 6; batch++) {
                List<EventData> events = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    events.add(EventData.builderAsJson(i % 2 == 0 ? "Reading Taken" : "Noise",
                            ("{\"pad\":\"" + "p".repeat(700) + "\"}").getBytes(StandardCharsets.UTF_8)).build());
                }
                client.appendToStream("sensor-" + batch % 2, events.iterator()).get();
            }
            // Every segment keeps half its bytes: a scavenge has much to copy.
            store.retention().putRule(RetentionRule.builder("noise").eventType("Noise").maxCount(1).build());
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
            try {
                // A run going (throttled to 1 byte/s, it runs until stopped; a stop is prompt): start
                // joins it, stop of another id is NOT_FOUND naming the running one, stop of its id ends it.
                store.retention().startScavenge(1);
                Scavenge running = Scavenge.of(call(channel, "StartScavenge", startRequest(2, 0)));
                assertThat(running.result()).as("InProgress").isEqualTo(1);
                assertThat(UUID.fromString(running.id())).isNotNull();
                String unknown = UUID.randomUUID().toString();
                assertThatThrownBy(() -> call(channel, "StopScavenge", stopRequest(unknown)))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                            assertThat(e.getStatus().getDescription()).contains(unknown).contains(running.id());
                        });
                Scavenge stopped = Scavenge.of(call(channel, "StopScavenge", stopRequest(running.id())));
                assertThat(stopped).isEqualTo(new Scavenge(running.id(), 2));
                assertThat(store.retention().awaitScavenge(Duration.ofSeconds(60)).state())
                        .isEqualTo(ScavengeStatus.State.STOPPED);

                // Started over gRPC (no throttle): a new run, a new id, that walks every segment.
                Scavenge started = Scavenge.of(call(channel, "StartScavenge", startRequest(1, 0)));
                assertThat(started.result()).as("Started").isZero();
                assertThat(started.id()).isNotEqualTo(running.id());
                ScavengeStatus done = store.retention().awaitScavenge(Duration.ofSeconds(60));
                assertThat(done.state()).isEqualTo(ScavengeStatus.State.FINISHED);
                assertThat(done.eventsRemoved()).isPositive();
                assertThatThrownBy(() -> call(channel, "StopScavenge", stopRequest(started.id())))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).as("nothing runs").isEqualTo(Status.Code.NOT_FOUND));

                for (String other : List.of("Shutdown", "MergeIndexes", "ResignNode", "RestartPersistentSubscriptions")) {
                    assertThatThrownBy(() -> call(channel, other, new byte[0]))
                            .isInstanceOfSatisfying(StatusRuntimeException.class,
                                    e -> assertThat(e.getStatus().getCode()).as(other).isEqualTo(Status.Code.UNIMPLEMENTED));
                }
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
