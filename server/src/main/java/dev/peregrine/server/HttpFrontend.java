package dev.peregrine.server;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Vert.x side of the server: one HTTP server instance per event loop, all on the same port
 * (Vert.x spreads connections between them), and their graceful shutdown.
 *
 * <p>Thread-safe: started and closed by one thread, the servers list is only appended to by the
 * event loops while starting.
 */
final class HttpFrontend {
    /** How long a shutdown waits for in-flight requests (appends waiting on fsync) to be answered. */
    private static final long SHUTDOWN_GRACE_SECONDS = 30;

    private final Vertx vertx;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final int port;

    private HttpFrontend(Vertx vertx, int port) {
        this.vertx = vertx;
        this.port = port;
    }

    /**
     * Starts listening; returns once every event loop accepts connections.
     *
     * @param keyCert the TLS key and certificates as loaded, or {@code null} for plain HTTP
     */
    static HttpFrontend start(Vertx vertx, ServerConfig config, KeyCertOptions keyCert, RequestDispatcher dispatcher) {
        String host = config.host();
        int port = config.port();
        List<HttpServer> started = new CopyOnWriteArrayList<>();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setTcpNoDelay(true)
                // curl and other clients send "Expect: 100-continue" before large bodies (NDJSON).
                .setHandle100ContinueAutomatically(true)
                .setCompressionSupported(false)
                // Not Netty's request decompression: it ends gzip bodies at their first member and
                // takes a truncated stream for a complete one. BodyDecoder decodes them instead.
                .setDecompressionSupported(false)
                // HTTP/1.1 only: AllSource's clients, curl and wrk speak it, and the streamed NDJSON
                // ingest relies on TCP flow control while paused, which h2c upgrade would change.
                .setHttp2ClearTextEnabled(false);
        if (keyCert != null) {
            // The JDK's TLS engine (no native library); TlsFiles.PROTOCOLS keeps to 1.2 and 1.3.
            options.setSsl(true)
                    .setKeyCertOptions(keyCert)
                    .setEnabledSecureTransportProtocols(TlsFiles.PROTOCOLS);
        }
        long sweepMillis = ConnectionGuard.sweepMillis(config.headerTimeout(), config.bodyTimeout());
        int instances = eventLoops();
        Future<String> deployed = vertx.deployVerticle(() -> context -> {
            // One guard per event loop: this verticle's connections, requests and timer all run there.
            ConnectionGuard guard = new ConnectionGuard(config.headerTimeout(), config.bodyTimeout());
            vertx.setPeriodic(sweepMillis, id -> guard.sweep());
            HttpServer server = vertx.createHttpServer(options)
                    .connectionHandler(guard::opened)
                    .requestHandler(request -> dispatcher.handle(request, guard.watch(request)))
                    .invalidRequestHandler(dispatcher::invalid);
            return server.listen().onSuccess(started::add);
        }, new DeploymentOptions().setInstances(instances));
        await(deployed, "starting the HTTP server on " + host + ":" + port);
        HttpFrontend frontend = new HttpFrontend(vertx, started.getFirst().actualPort());
        frontend.servers.addAll(started);
        return frontend;
    }

    /**
     * One event loop per core: handlers never block, so more loops than cores would only add
     * context switches (Vert.x's default is two per core).
     */
    static int eventLoops() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Swaps the certificate of every event loop's server: new connections use the new one, open
     * connections keep theirs.
     *
     * @throws IllegalStateException when the new certificate or key cannot be used
     */
    void updateTls(ServerSSLOptions options) {
        List<Future<Boolean>> updates = servers.stream().map(server -> server.updateSSLOptions(options, true)).toList();
        await(Future.all(updates), "reloading the TLS certificate");
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    int port() {
        return port;
    }

    /** Stops accepting, lets in-flight requests finish (up to a grace period), then closes. */
    void close() {
        List<Future<Void>> shutdowns = servers.stream()
                .map(server -> server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS))
                .toList();
        await(Future.join(shutdowns), "shutting down the HTTP server");
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(SHUTDOWN_GRACE_SECONDS + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " timed out", e);
        }
    }
}
