package dev.peregrine.grpc.internal;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
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
 * alive and leader, at the address the client reached it by. A client that discovers connects next
 * to the address gossip names, so that must be one it can reach: the listen address may be a
 * wildcard ({@code 0.0.0.0}) or a name the client does not use, while the call's authority (the
 * host and port the client dialled, which is also the name its TLS check expects) always is.
 * Without an authority the listen address is reported.
 */
public final class GossipService extends GossipGrpc.GossipImplBase {
    /** 100 ns ticks per second, KurrentDB's unit of time. */
    private static final long TICKS_PER_SECOND = 10_000_000L;
    /** The authority of the call being served. */
    private static final Context.Key<String> AUTHORITY = Context.key("peregrine-gossip-authority");

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

    /**
     * The service with the interceptor that hands {@link #read} the call's authority: what to
     * register with the server.
     */
    public ServerServiceDefinition withAuthority() {
        return ServerInterceptors.intercept(this, new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                             ServerCallHandler<Q, R> next) {
                String authority = call.getAuthority();
                return authority == null ? next.startCall(call, headers)
                        : Contexts.interceptCall(Context.current().withValue(AUTHORITY, authority), call, headers, next);
            }
        });
    }

    @Override
    public void read(Shared.Empty request, StreamObserver<ClusterInfo> responses) {
        Instant now = Instant.now();
        responses.onNext(ClusterInfo.newBuilder().addMembers(MemberInfo.newBuilder()
                .setInstanceId(WireEvents.wire(instance, false))
                .setTimeStamp(now.getEpochSecond() * TICKS_PER_SECOND + now.getNano() / 100)
                .setState(MemberInfo.VNodeState.Leader)
                .setIsAlive(true)
                .setHttpEndPoint(endPoint(AUTHORITY.get()))).build());
        responses.onCompleted();
    }

    /** The end point named by an authority ({@code host}, {@code host:port}, {@code [v6]:port}), else the listen address. */
    private EndPoint endPoint(String authority) {
        if (authority == null || authority.isEmpty()) {
            return EndPoint.newBuilder().setAddress(host).setPort(port).build();
        }
        String address = authority;
        int reached = port;
        int colon = authority.lastIndexOf(':');
        if (colon > authority.lastIndexOf(']')) { // a port after the host (a bare IPv6 address is bracketed)
            try {
                reached = Integer.parseInt(authority.substring(colon + 1));
                address = authority.substring(0, colon);
            } catch (NumberFormatException notAPort) {
                reached = port;
            }
        }
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        return EndPoint.newBuilder().setAddress(address).setPort(reached).build();
    }
}
