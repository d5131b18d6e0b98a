package dev.peregrine.grpc.internal;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethod;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethods;
import io.kurrent.dbclient.proto.shared.Shared;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * KurrentDB's {@code ServerFeatures.GetSupportedMethods}: the methods this endpoint implements, named
 * as KurrentDB names them (lower-case full service name and method name), from which clients decide
 * which features to use. Only the methods listed at construction are reported, so that a method the
 * generated base class answers {@code UNIMPLEMENTED} is never advertised.
 */
public final class ServerFeaturesService extends ServerFeaturesGrpc.ServerFeaturesImplBase {
    /**
     * The KurrentDB server version reported. Clients gate a few features on it; this is the release
     * whose client protocol v1 this endpoint follows.
     */
    static final String PROTOCOL_VERSION = "24.10.0";

    private final SupportedMethods methods;

    /**
     * @param services the services served
     * @param implemented the full names ({@code service/Method}) of the methods they implement
     * @param features the features some of them report, by full name (KurrentDB's {@code Create} of
     *     persistent subscriptions reports {@code stream} and {@code all}, which clients check
     *     before subscribing to {@code $all})
     */
    public ServerFeaturesService(List<BindableService> services, Set<String> implemented, Map<String, List<String>> features) {
        SupportedMethods.Builder builder = SupportedMethods.newBuilder().setEventStoreServerVersion(PROTOCOL_VERSION);
        for (BindableService service : services) {
            ServerServiceDefinition definition = service.bindService();
            for (var method : definition.getMethods()) {
                MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
                if (implemented.contains(descriptor.getFullMethodName())) {
                    builder.addMethods(SupportedMethod.newBuilder()
                            .setServiceName(descriptor.getServiceName().toLowerCase(Locale.ROOT))
                            .setMethodName(descriptor.getBareMethodName().toLowerCase(Locale.ROOT))
                            .addAllFeatures(features.getOrDefault(descriptor.getFullMethodName(), List.of())));
                }
            }
        }
        builder.addMethods(SupportedMethod.newBuilder()
                .setServiceName(ServerFeaturesGrpc.SERVICE_NAME.toLowerCase(Locale.ROOT))
                .setMethodName(ServerFeaturesGrpc.getGetSupportedMethodsMethod().getBareMethodName().toLowerCase(Locale.ROOT)));
        this.methods = builder.build();
    }

    @Override
    public void getSupportedMethods(Shared.Empty request, StreamObserver<SupportedMethods> responses) {
        responses.onNext(methods);
        responses.onCompleted();
    }
}
