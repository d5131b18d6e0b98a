package dev.peregrine.grpc;

import dev.peregrine.grpc.internal.Authentication;
import dev.peregrine.grpc.internal.GossipService;
import dev.peregrine.grpc.internal.OperationsService;
import dev.peregrine.grpc.internal.PersistentSubscriptionsService;
import dev.peregrine.grpc.internal.ServerFeaturesService;
import dev.peregrine.grpc.internal.StreamsService;
import dev.peregrine.server.PeregrineServer;
import dev.peregrine.server.auth.Role;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.kurrent.dbclient.proto.persistentsubscriptions.PersistentSubscriptionsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KurrentDB's gRPC client protocol v1 over a running {@link PeregrineServer}'s store, so that
 * applications written against KurrentDB's official clients use Peregrine by changing their
 * connection string (see docs/kurrentdb.md for what is served and how it maps).
 *
 * <pre>{@code
 * try (PeregrineServer http = PeregrineServer.start(config);
 *      GrpcServer grpc = GrpcServer.start(http, GrpcServer.DEFAULT_PORT)) {
 *     // kurrentdb://127.0.0.1:2113?tls=false
 *     http.awaitClose();
 * }
 * }</pre>
 *
 * <p>The endpoint listens on the HTTP server's host, with its TLS certificate when it has one
 * (plaintext HTTP/2 otherwise), admits the HTTP server's users, and holds appends to the HTTP
 * server's enforced schemas ({@link PeregrineServer#schemas}). Close it before the HTTP server,
 * which closes the store. Thread-safe.
 */
public final class GrpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);

    /** KurrentDB's port, so that its clients' defaults work. */
    public static final int DEFAULT_PORT = 2113;
    /** The clients ping every 10 s by default; a server must allow at least that often. */
    private static final long KEEP_ALIVE_PERMIT_SECONDS = 5;
    /** How long close waits for calls in flight (appends waiting for their fsync) after subscriptions end. */
    private static final long DRAIN_SECONDS = 10;

    private final Server server;
    private final StreamsService streams;
    private final PersistentSubscriptionsService persistent;
    private final ExecutorService calls;

    private GrpcServer(Server server, StreamsService streams, PersistentSubscriptionsService persistent,
                       ExecutorService calls) {
        this.server = server;
        this.streams = streams;
        this.persistent = persistent;
        this.calls = calls;
    }

    /**
     * Starts listening beside {@code http}, on its host and on {@code port}; returns once bound.
     *
     * @param port the TCP port, 0 for any free one (see {@link #port()})
     * @throws IllegalStateException when the port cannot be bound or the TLS files cannot be read
     */
    public static GrpcServer start(PeregrineServer http, int port) {
        return start(http, port, new GrpcMetrics());
    }

    /**
     * As {@link #start(PeregrineServer, int)}, counting calls into {@code metrics}, whose
     * {@link GrpcMetrics#metrics()} the HTTP server's configuration was given.
     */
    public static GrpcServer start(PeregrineServer http, int port, GrpcMetrics metrics) {
        String host = http.config().host();
        StreamsService streams = new StreamsService(http.store(), http.schemas());
        PersistentSubscriptionsService persistent = new PersistentSubscriptionsService(http.store());
        GossipService gossip = new GossipService(host);
        OperationsService operations = new OperationsService(http.store());
        List<BindableService> services = List.of(streams, persistent, gossip, operations);
        Set<String> implemented = Set.of(
                StreamsGrpc.getAppendMethod().getFullMethodName(),
                StreamsGrpc.getBatchAppendMethod().getFullMethodName(),
                StreamsGrpc.getReadMethod().getFullMethodName(),
                StreamsGrpc.getDeleteMethod().getFullMethodName(),
                StreamsGrpc.getTombstoneMethod().getFullMethodName(),
                PersistentSubscriptionsGrpc.getCreateMethod().getFullMethodName(),
                PersistentSubscriptionsGrpc.getUpdateMethod().getFullMethodName(),
                PersistentSubscriptionsGrpc.getDeleteMethod().getFullMethodName(),
                PersistentSubscriptionsGrpc.getReadMethod().getFullMethodName(),
                PersistentSubscriptionsGrpc.getGetInfoMethod().getFullMethodName(),
                PersistentSubscriptionsGrpc.getListMethod().getFullMethodName(),
                PersistentSubscriptionsGrpc.getReplayParkedMethod().getFullMethodName(),
                PersistentSubscriptionsGrpc.getRestartSubsystemMethod().getFullMethodName(),
                OperationsService.START_SCAVENGE.getFullMethodName(),
                OperationsService.STOP_SCAVENGE.getFullMethodName(),
                io.kurrent.dbclient.proto.gossip.GossipGrpc.getReadMethod().getFullMethodName());
        ServerFeaturesService features = new ServerFeaturesService(services, implemented, Map.of(
                PersistentSubscriptionsGrpc.getCreateMethod().getFullMethodName(), List.of("stream", "all")));
        // Consuming a persistent subscription (reading, acking) is reading; defining or replaying one is writing.
        Authentication authentication = new Authentication(http.keys(), Map.ofEntries(
                Map.entry(StreamsGrpc.getReadMethod().getFullMethodName(), Role.READER),
                Map.entry(StreamsGrpc.getAppendMethod().getFullMethodName(), Role.WRITER),
                Map.entry(StreamsGrpc.getBatchAppendMethod().getFullMethodName(), Role.WRITER),
                Map.entry(StreamsGrpc.getDeleteMethod().getFullMethodName(), Role.WRITER),
                Map.entry(StreamsGrpc.getTombstoneMethod().getFullMethodName(), Role.WRITER),
                Map.entry(PersistentSubscriptionsGrpc.getReadMethod().getFullMethodName(), Role.READER),
                Map.entry(PersistentSubscriptionsGrpc.getGetInfoMethod().getFullMethodName(), Role.READER),
                Map.entry(PersistentSubscriptionsGrpc.getListMethod().getFullMethodName(), Role.READER),
                Map.entry(PersistentSubscriptionsGrpc.getCreateMethod().getFullMethodName(), Role.WRITER),
                Map.entry(PersistentSubscriptionsGrpc.getUpdateMethod().getFullMethodName(), Role.WRITER),
                Map.entry(PersistentSubscriptionsGrpc.getDeleteMethod().getFullMethodName(), Role.WRITER),
                Map.entry(PersistentSubscriptionsGrpc.getReplayParkedMethod().getFullMethodName(), Role.WRITER),
                Map.entry(PersistentSubscriptionsGrpc.getRestartSubsystemMethod().getFullMethodName(), Role.WRITER),
                // A scavenge rewrites the whole log: an administrator's call, as over HTTP.
                Map.entry(OperationsService.START_SCAVENGE.getFullMethodName(), Role.ADMIN),
                Map.entry(OperationsService.STOP_SCAVENGE.getFullMethodName(), Role.ADMIN)));
        // Some calls block (deletes, reads, password hashes): one virtual thread each. Appends do not:
        // the store's completion answers them.
        ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials(http))
                .executor(calls)
                .callExecutor(new AppendsOnTransport(authentication))
                .permitKeepAliveTime(KEEP_ALIVE_PERMIT_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                // One message carries one event (or one read event): room for the largest the store takes.
                .maxInboundMessageSize(Math.max(4 << 20, http.store().options().maxPayloadBytes() + (64 << 10)))
                .addService(ServerInterceptors.intercept(streams, authentication))
                .addService(ServerInterceptors.intercept(persistent, authentication))
                .addService(ServerInterceptors.intercept(operations, authentication))
                .addService(gossip.withAuthority())
                .addService(features)
                .intercept(metrics.interceptor()); // the last added runs first: refused calls count too
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            calls.close();
            throw new IllegalStateException("cannot listen for gRPC on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        gossip.port(server.getPort());
        LOG.info("KurrentDB gRPC endpoint listening on {}:{} ({})", host, server.getPort(),
                http.config().tlsCertificate().isPresent() ? "TLS" : "plaintext HTTP/2");
        return new GrpcServer(server, streams, persistent, calls);
    }

    /**
     * Runs an {@code Append}'s callbacks on the transport thread that read its messages, instead of
     * handing each to a virtual thread: an append only collects its messages and then hands them to
     * the store without waiting (the store's completion answers it), so nothing of it blocks, and
     * the hop to another thread was a scheduling delay on every append (long on a busy machine).
     * Not when admitting the call would hash a password; every other call keeps the virtual threads.
     */
    private record AppendsOnTransport(Authentication authentication) implements ServerCallExecutorSupplier {
        private static final String APPEND = StreamsGrpc.getAppendMethod().getFullMethodName();

        @Override
        public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
            return APPEND.equals(call.getMethodDescriptor().getFullMethodName()) && authentication.admitsWithoutHashing(headers)
                    ? Runnable::run : null; // null: the server's executor
        }
    }

    /**
     * TLS with the HTTP server's certificate and key when it has them (renewals included: the key
     * manager follows the files the HTTP server reloads), else plaintext HTTP/2.
     */
    private static ServerCredentials credentials(PeregrineServer http) {
        return http.tlsKeyManager()
                .map(keys -> TlsServerCredentials.newBuilder().keyManager(keys).build())
                .orElseGet(InsecureServerCredentials::create);
    }

    /** The port the endpoint listens on. */
    public int port() {
        return server.getPort();
    }

    /**
     * Stops accepting calls, ends subscriptions, catch-up and persistent (clients see {@code UNAVAILABLE} and may reconnect),
     * waits up to {@value #DRAIN_SECONDS} s for the calls in flight, then cancels what is left.
     * Idempotent.
     */
    @Override
    public void close() {
        server.shutdown();
        streams.shutDownSubscriptions();
        persistent.shutDownReads();
        try {
            if (!server.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            calls.close();
        }
    }
}
