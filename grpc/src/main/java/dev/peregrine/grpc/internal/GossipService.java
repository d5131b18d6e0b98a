package dev.peregrine.grpc.internal;

import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.gossip.GossipGrpc;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.ClusterInfo;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.EndPoint;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.MemberInfo;
import io.kurrent.dbclient.proto.shared.Shared;
import java.time.Instant;
import java.util.UUID;

/**
 * KurrentDB's {@code Gossip.Read}, for clients that discover a cluster: a single member, this node,
 * alive and leader, at the address the gRPC endpoint listens on.
 */
public final class GossipService extends GossipGrpc.GossipImplBase {
    /** 100 ns ticks per second, KurrentDB's unit of time. */
    private static final long TICKS_PER_SECOND = 10_000_000L;

    private final UUID instance = UUID.randomUUID();
    private final String host;
    private volatile int port;

    public GossipService(String host) {
        this.host = host;
    }

    /** Sets the port the endpoint listens on, once it is bound (a port of 0 picks one). */
    public void port(int port) {
        this.port = port;
    }

    @Override
    public void read(Shared.Empty request, StreamObserver<ClusterInfo> responses) {
        Instant now = Instant.now();
        responses.onNext(ClusterInfo.newBuilder().addMembers(MemberInfo.newBuilder()
                .setInstanceId(WireEvents.wire(instance, false))
                .setTimeStamp(now.getEpochSecond() * TICKS_PER_SECOND + now.getNano() / 100)
                .setState(MemberInfo.VNodeState.Leader)
                .setIsAlive(true)
                .setHttpEndPoint(EndPoint.newBuilder().setAddress(host).setPort(port))).build());
        responses.onCompleted();
    }
}
