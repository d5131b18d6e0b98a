package dev.peregrine.grpc.internal;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.retention.ScavengeStatus;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * KurrentDB's {@code Operations.StartScavenge} and {@code StopScavenge} over the store's scavenge
 * ({@link dev.peregrine.store.retention.Retention}); the service's other calls (shutdown, merging
 * indexes, resigning, node priority, restarting persistent subscriptions) have no meaning for one
 * node and are not bound, so gRPC answers them {@code UNIMPLEMENTED}.
 *
 * <p>The official client jar ships no generated code for this service, so its few messages are
 * described here in protobuf's own terms (a {@link FileDescriptorProto} of KurrentDB's
 * {@code operations.proto}: same package, names and field numbers) and carried as
 * {@link DynamicMessage}s, which protobuf encodes and decodes as it would generated classes.
 *
 * <p>A scavenge's id is derived from its start time, so the same run has the same id in every
 * answer: {@code StartScavenge} while one runs answers {@code InProgress} with the running one's id;
 * {@code StopScavenge} of the running id answers {@code Stopped}, of any other id {@code NOT_FOUND}.
 * {@code thread_count} and {@code start_from_chunk} are accepted and ignored: the store's scavenge
 * runs on one thread over every sealed segment.
 */
public final class OperationsService implements BindableService {
    /** KurrentDB's service name. */
    public static final String SERVICE_NAME = "event_store.client.operations.Operations";

    private static final Descriptors.Descriptor START_REQ;
    private static final Descriptors.Descriptor STOP_REQ;
    private static final Descriptors.Descriptor RESP;
    private static final Descriptors.EnumDescriptor RESULT;

    static {
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("kurrentdb/protocol/v1/operations.proto")
                .setPackage("event_store.client.operations")
                .setSyntax("proto3")
                .addMessageType(DescriptorProto.newBuilder().setName("StartScavengeReq")
                        .addField(message("options", 1, ".event_store.client.operations.StartScavengeReq.Options"))
                        .addNestedType(DescriptorProto.newBuilder().setName("Options")
                                .addField(scalar("thread_count", 1, FieldDescriptorProto.Type.TYPE_INT32))
                                .addField(scalar("start_from_chunk", 2, FieldDescriptorProto.Type.TYPE_INT32))))
                .addMessageType(DescriptorProto.newBuilder().setName("StopScavengeReq")
                        .addField(message("options", 1, ".event_store.client.operations.StopScavengeReq.Options"))
                        .addNestedType(DescriptorProto.newBuilder().setName("Options")
                                .addField(scalar("scavenge_id", 1, FieldDescriptorProto.Type.TYPE_STRING))))
                .addMessageType(DescriptorProto.newBuilder().setName("ScavengeResp")
                        .addField(scalar("scavenge_id", 1, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(scalar("scavenge_result", 2, FieldDescriptorProto.Type.TYPE_ENUM)
                                .setTypeName(".event_store.client.operations.ScavengeResp.ScavengeResult"))
                        .addEnumType(EnumDescriptorProto.newBuilder().setName("ScavengeResult")
                                .addValue(EnumValueDescriptorProto.newBuilder().setName("Started").setNumber(0))
                                .addValue(EnumValueDescriptorProto.newBuilder().setName("InProgress").setNumber(1))
                                .addValue(EnumValueDescriptorProto.newBuilder().setName("Stopped").setNumber(2))))
                .build();
        Descriptors.FileDescriptor built;
        try {
            built = Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]);
        } catch (Descriptors.DescriptorValidationException e) {
            throw new ExceptionInInitializerError(e);
        }
        START_REQ = built.findMessageTypeByName("StartScavengeReq");
        STOP_REQ = built.findMessageTypeByName("StopScavengeReq");
        RESP = built.findMessageTypeByName("ScavengeResp");
        RESULT = RESP.findEnumTypeByName("ScavengeResult");
    }

    /** {@code StartScavenge}: {@code StartScavengeReq} to {@code ScavengeResp}. */
    public static final MethodDescriptor<DynamicMessage, DynamicMessage> START_SCAVENGE = method("StartScavenge", START_REQ);
    /** {@code StopScavenge}: {@code StopScavengeReq} to {@code ScavengeResp}. */
    public static final MethodDescriptor<DynamicMessage, DynamicMessage> STOP_SCAVENGE = method("StopScavenge", STOP_REQ);

    private final EventStore store;

    public OperationsService(EventStore store) {
        this.store = store;
    }

    private static FieldDescriptorProto.Builder scalar(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
    }

    private static FieldDescriptorProto.Builder message(String name, int number, String typeName) {
        return scalar(name, number, FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(typeName);
    }

    private static MethodDescriptor<DynamicMessage, DynamicMessage> method(String name, Descriptors.Descriptor request) {
        return MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, name))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(request)))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(RESP)))
                .build();
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(SERVICE_NAME)
                .addMethod(START_SCAVENGE, ServerCalls.asyncUnaryCall(this::startScavenge))
                .addMethod(STOP_SCAVENGE, ServerCalls.asyncUnaryCall(this::stopScavenge))
                .build();
    }

    private void startScavenge(DynamicMessage request, StreamObserver<DynamicMessage> responses) {
        ScavengeStatus before = store.retention().scavengeStatus();
        if (before.state().active()) {
            answer(responses, id(before), "InProgress");
            return;
        }
        ScavengeStatus started = store.retention().startScavenge(0);
        // Another call may have started one in between: then this call joined it.
        boolean ours = !started.startedAt().equals(before.startedAt());
        answer(responses, id(started), ours ? "Started" : "InProgress");
    }

    private void stopScavenge(DynamicMessage request, StreamObserver<DynamicMessage> responses) {
        DynamicMessage options = (DynamicMessage) request.getField(STOP_REQ.findFieldByName("options"));
        String asked = (String) options.getField(options.getDescriptorForType().findFieldByName("scavenge_id"));
        ScavengeStatus running = store.retention().scavengeStatus();
        Optional<String> current = running.state().active() ? Optional.of(id(running)) : Optional.empty();
        if (current.isEmpty() || !current.get().equals(asked)) {
            responses.onError(Status.NOT_FOUND.withDescription("no scavenge '" + asked + "' is running"
                    + current.map(id -> " (scavenge '" + id + "' is)").orElse("")).asRuntimeException());
            return;
        }
        answer(responses, id(store.retention().stopScavenge()), "Stopped");
    }

    /** A run's id: from its start time, the same in every answer about that run. */
    static String id(ScavengeStatus status) {
        return UUID.nameUUIDFromBytes(("scavenge " + status.startedAt().map(Object::toString).orElse("none"))
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void answer(StreamObserver<DynamicMessage> responses, String id, String result) {
        responses.onNext(DynamicMessage.newBuilder(RESP)
                .setField(RESP.findFieldByName("scavenge_id"), id)
                .setField(RESP.findFieldByName("scavenge_result"), RESULT.findValueByName(result))
                .build());
        responses.onCompleted();
    }
}
