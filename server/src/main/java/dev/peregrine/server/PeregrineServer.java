package dev.peregrine.server;

import dev.peregrine.schema.SchemaRegistry;
import dev.peregrine.server.auth.JwtVerifier;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.console.ConsoleAssets;
import dev.peregrine.server.console.MetricsHistory;
import dev.peregrine.server.console.ServerInfo;
import dev.peregrine.server.tenant.TenantDeletion;
import dev.peregrine.server.tenant.TenantRegistry;
import dev.peregrine.server.tenant.TenantUsage;
import dev.peregrine.server.tenant.Tenants;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import java.util.Properties;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peregrine's HTTP server: the AllSource Core compatible REST API over an event store opened on
 * a directory.
 *
 * <pre>{@code
 * try (PeregrineServer server = PeregrineServer.start(ServerConfig.builder().port(0).build())) {
 *     System.out.println("listening on port " + server.port());
 *     server.awaitClose();
 * }
 * }</pre>
 *
 * <p>{@link #close()} shuts down gracefully: no new connections, in-flight requests (including
 * appends waiting for their fsync) are answered, then the store is closed. Thread-safe.
 */
public final class PeregrineServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeregrineServer.class);

    /** Threads for long reads (reconstruction, large pages); few, because there are few cores. */
    private static final int READ_WORKERS = Math.max(2, HttpFrontend.eventLoops());

    private final ServerConfig config;
    private final EventStore store;
    private final Vertx vertx;
    private final HttpFrontend frontend;
    private final StreamRegistry streams;
    private final FileWatch fileWatch;
    private final TenantDeletion deletions;
    private final KeyRing keys;
    private final TlsKeyManager tlsKeys;
    private final String access;
    private final SchemaRegistry schemas;
    private final Object closeLock = new Object();
    private boolean closed;

    private PeregrineServer(ServerConfig config, EventStore store, Vertx vertx, HttpFrontend frontend,
                            StreamRegistry streams, FileWatch fileWatch, TenantDeletion deletions, KeyRing keys,
                            TlsKeyManager tlsKeys, String access, SchemaRegistry schemas) {
        this.streams = streams;
        this.schemas = schemas;
        this.deletions = deletions;
        this.keys = keys;
        this.tlsKeys = tlsKeys;
        this.fileWatch = fileWatch;
        this.access = access;
        this.config = config;
        this.store = store;
        this.vertx = vertx;
        this.frontend = frontend;
    }

    /**
     * Opens the store and starts listening; returns once the server accepts connections.
     *
     * @throws InsecureListenException when the address is reachable from other machines and TLS or
     *         authentication is missing (see {@link ServerConfig#insecure()})
     * @throws IllegalStateException when the port cannot be bound
     */
    public static PeregrineServer start(ServerConfig config) {
        return start(config, router -> { });
    }

    /**
     * As {@link #start(ServerConfig)}, with {@code extraRoutes} registered after the product's. Only
     * the benchmark build uses it, for its ceiling handlers (bench's {@code CeilingRoutes}), which
     * must run in this very server to be a fair ceiling; the product registers none.
     */
    static PeregrineServer start(ServerConfig config, Consumer<Router> extraRoutes) {
        long started = System.nanoTime();
        KeyRing keys = KeyRing.open(config.dataDirectory());
        JwtVerifier jwt = config.jwtKey().map(key -> JwtVerifier.load(key, config.jwtIssuer(), config.jwtAudience()))
                .orElse(null);
        List<String> warnings = ListenPolicy.check(config, keys.enabled() || jwt != null);
        TlsFiles tls = TlsFiles.of(config);
        TenantRegistry tenantRegistry = TenantRegistry.open(config.dataDirectory());
        EventStore store = openStore(config);
        TenantUsage usage = new TenantUsage(store.dictionary());
        store.registerProjection(usage);
        Tenants tenants = new Tenants(tenantRegistry, usage, config.tenantQuotas());
        TenantDeletion deletions = new TenantDeletion(store, tenantRegistry, keys);
        store.views(); // persisted views resume now and catch up in the background, not on the first request
        store.replays(); // replays a crash interrupted are reported failed from the start
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(HttpFrontend.eventLoops()));
        HttpFrontend frontend;
        TlsKeyManager tlsKeys;
        Services services;
        FileWatch fileWatch;
        try {
            Json json = new Json(config.limits());
            ServerMetrics metrics = new ServerMetrics();
            metrics.storeGauges(store);
            metrics.extraMetrics(config.extraMetrics());
            services = new Services(json, metrics, config.limits(), version(), store,
                    new EventRequestParser(json, store.dictionary(), config.limits()),
                    vertx.createSharedWorkerExecutor("peregrine-reads", READ_WORKERS), new StreamRegistry(),
                    new BackupJobs(store, config.backupDirectory()),
                    new Security(keys, jwt, warnings, config.tenantAppendsPerSecond() > 0
                            ? new AppendQuota(config.tenantAppendsPerSecond(), config.tenantAppendBurst())
                            : AppendQuota.UNLIMITED,
                            tenants, vertx.createSharedWorkerExecutor("peregrine-passwords", 1), metrics),
                    SchemaRegistry.open(config.dataDirectory()), deletions);
            metrics.tenantGauges(tenants);
            Router router = new Router();
            SystemRoutes.register(router);
            EventRoutes.register(router);
            EntityRoutes.register(router);
            AdminRoutes.register(router);
            OpsRoutes.register(router);
            RetentionRoutes.register(router);
            StreamRoutes.register(router);
            ViewRoutes.register(router);
            ConsumerGroupRoutes.register(router);
            SchemaRoutes.register(router);
            ReplayRoutes.register(router);
            ConsoleRoutes.register(router, console(config, store, metrics, vertx, services,
                    keys.enabled() || jwt != null ? "api keys" : ServerInfo.NO_AUTHENTICATION));
            LogRoutes.register(router, config.serverLog());
            KeyRoutes.register(router);
            TenantRoutes.register(router);
            extraRoutes.accept(router);
            // Read once: the HTTP listener and the other listeners' key manager serve the same files.
            KeyCertOptions keyCert = tls == null ? null : tls.load();
            frontend = HttpFrontend.start(vertx, config, keyCert, new RequestDispatcher(router, services));
            tlsKeys = keyCert == null ? null : new TlsKeyManager(keyManagers(keyCert, vertx));
            HttpFrontend served = frontend;
            TlsKeyManager followed = tlsKeys;
            fileWatch = new FileWatch(keys, tls, reloaded -> {
                KeyManagerFactory renewed = keyManagers(reloaded, vertx); // first: a bad file changes nothing
                served.updateTls(tls.sslOptions(reloaded));
                followed.update(renewed);
            });
        } catch (RuntimeException e) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            deletions.close();
            store.close();
            throw e;
        }
        String access = access(config, keys, jwt != null, warnings);
        LOG.info("Peregrine {} listening on {}://{}:{} (data {}, durability {}; {}) in {} ms", services.version(),
                tls != null ? "https" : "http", config.host(), frontend.port(), config.dataDirectory().toAbsolutePath(),
                config.durability(), access, (System.nanoTime() - started) / 1_000_000);
        for (String warning : warnings) {
            LOG.warn("{}", warning);
        }
        deletions.resume();
        return new PeregrineServer(config, store, vertx, frontend, services.streams(), fileWatch, deletions, keys,
                tlsKeys, access, services.schemas());
    }

    /** How clients are admitted, for the start-up line. */
    private static String access(ServerConfig config, KeyRing keys, boolean jwt, List<String> warnings) {
        String tls = config.tlsEnabled() ? "TLS" : "no TLS";
        if (keys.enabled() || jwt) {
            return "API keys required, " + keys.list().size() + " keys, " + keys.users().size() + " users"
                    + (jwt ? ", JWTs of " + config.jwtIssuer() : "") + "; " + tls;
        }
        return (warnings.isEmpty() ? "open: no API keys configured, local clients only" : "OPEN: no API keys configured")
                + "; " + tls;
    }

    /** The web console's assets and data, and the timer that samples the dashboard's history. */
    private static ConsoleRoutes.Console console(ServerConfig config, EventStore store, ServerMetrics metrics,
                                                 Vertx vertx, Services services, String authentication) {
        MetricsHistory history = new MetricsHistory(store, metrics.subscribers()::get, metrics.appendRecorder());
        // store.stats() stats the segment files: sampled on a worker, never on an event loop.
        vertx.setPeriodic(MetricsHistory.INTERVAL_MILLIS, id -> services.workers().executeBlocking(() -> {
            history.sample();
            return null;
        }, true));
        ServerInfo info = ServerInfo.of(services.version(), config.dataDirectory().toAbsolutePath().toString(),
                config.durability(), config.host(), authentication, Instant.now());
        return new ConsoleRoutes.Console(ConsoleAssets.load(), history, info);
    }

    private static EventStore openStore(ServerConfig config) {
        StoreOptions options = StoreOptions.builder()
                .durability(Durability.parse(config.durability()))
                .segmentBytes(config.segmentBytes())
                .maxBatchEvents(Math.max(config.limits().maxBatchEvents(), config.limits().ndjsonChunkEvents()))
                .maxQueryLimit(config.limits().maxQueryLimit())
                .maxFieldNames(config.maxFieldNames())
                .minFreeBytes(config.minFreeBytes())
                .build();
        return EventStore.open(config.dataDirectory(), options);
    }

    /** The port the server listens on. */
    public int port() {
        return frontend.port();
    }

    /** The store the server serves, for embedding applications that also use it directly. */
    public EventStore store() {
        return store;
    }

    /**
     * The schema registry whose enforced schemas every append of the process must pass: another face
     * of the same process (the gRPC endpoint) checks its appends against it before they reach the
     * store, as the HTTP API does, so that what a payload of an event type must be is decided in one
     * place.
     */
    public SchemaRegistry schemas() {
        return schemas;
    }

    /**
     * The users and API keys this server admits, reloaded when their file changes: another face of
     * the same process (the gRPC endpoint) checks its credentials against them, so that who may do
     * what is decided in one place.
     */
    public KeyRing keys() {
        return keys;
    }

    /**
     * The key manager of the certificate and key the HTTP server serves, for another listener of the
     * process that shares the server's TLS settings; empty when the server speaks plain HTTP. It
     * follows every renewal the HTTP server reloads (each handshake gets the files as last loaded),
     * and it is built by Vert.x from the same files, so every key format the HTTP server accepts is
     * accepted here too.
     */
    public Optional<X509ExtendedKeyManager> tlsKeyManager() {
        return Optional.ofNullable(tlsKeys);
    }

    /** @throws IllegalStateException when the files cannot be parsed */
    private static KeyManagerFactory keyManagers(KeyCertOptions keyCert, Vertx vertx) {
        try {
            return keyCert.getKeyManagerFactory(vertx);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the TLS certificate and key: " + e.getMessage(), e);
        }
    }

    /**
     * How clients are admitted, as the start-up line says it: whether API keys are required, and
     * whether TLS is on.
     */
    public String access() {
        return access;
    }

    /** The configuration the server was started with. */
    public ServerConfig config() {
        return config;
    }

    /** Blocks until {@link #close()} has completed, from any thread. */
    public void awaitClose() throws InterruptedException {
        synchronized (closeLock) {
            while (!closed) {
                closeLock.wait();
            }
        }
    }

    /** Stops accepting, answers in-flight requests, closes the store. Idempotent. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            try {
                // Subscriptions never end by themselves: end them so that the graceful shutdown
                // waits only for the requests in flight.
                fileWatch.close();
                streams.closeAll();
                frontend.close();
            } finally {
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().join();
                } finally {
                    // Last: every append a client was still waiting for has been answered by now.
                    deletions.close();
                    store.close();
                    closed = true;
                    closeLock.notifyAll();
                    LOG.info("Peregrine stopped");
                }
            }
        }
    }

    /** The project version, filtered into a resource by the build. */
    static String version() {
        try (InputStream in = PeregrineServer.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "development");
        } catch (IOException e) {
            throw new UncheckedIOException("reading version.properties", e);
        }
    }
}
