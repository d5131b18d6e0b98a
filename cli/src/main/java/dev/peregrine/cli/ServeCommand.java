package dev.peregrine.cli;

import dev.peregrine.grpc.GrpcMetrics;
import dev.peregrine.grpc.GrpcServer;
import dev.peregrine.server.InsecureListenException;
import dev.peregrine.server.PeregrineServer;
import dev.peregrine.server.ServerConfig;
import dev.peregrine.server.ServerLimits;
import dev.peregrine.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peregrine serve}: runs the HTTP server, and KurrentDB's gRPC endpoint beside it on the same
 * store, until SIGINT or SIGTERM, then shuts down gracefully from the JVM's shutdown hook: the gRPC
 * endpoint first (subscriptions ended, calls in flight answered), then the HTTP server (in-flight
 * requests answered, store closed).
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {"Run the HTTP server (AllSource Core compatible REST API) over a data directory.",
                "Every option can also be set with the environment variable shown; the flag wins."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "${env:PEREGRINE_HOST:-" + ServerConfig.DEFAULT_HOST + "}",
            description = "Address to listen on (env PEREGRINE_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:PEREGRINE_PORT:-" + ServerConfig.DEFAULT_PORT + "}",
            description = "TCP port, 0 for any free port (env PEREGRINE_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--grpc-port", defaultValue = "${env:PEREGRINE_GRPC_PORT:-" + GrpcServer.DEFAULT_PORT + "}",
            description = "TCP port of the KurrentDB gRPC endpoint (same host and TLS as HTTP), 0 to disable it"
                    + " (env PEREGRINE_GRPC_PORT, default ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(names = "--data", defaultValue = "${env:PEREGRINE_DATA:-" + ServerConfig.DEFAULT_DATA_DIRECTORY + "}",
            description = "Data directory, created if missing (env PEREGRINE_DATA, default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--durability", defaultValue = "${env:PEREGRINE_DURABILITY:-" + ServerConfig.DEFAULT_DURABILITY + "}",
            description = "fsync | interval:<ms> | none (env PEREGRINE_DURABILITY, default ${DEFAULT-VALUE}).")
    String durability;

    @Option(names = "--segment-bytes", defaultValue = "${env:PEREGRINE_SEGMENT_BYTES:-134217728}",
            description = "Size of each log segment file, allocated in full when it is created "
                    + "(env PEREGRINE_SEGMENT_BYTES, default ${DEFAULT-VALUE}).")
    int segmentBytes;

    @Option(names = "--max-body-bytes",
            defaultValue = "${env:PEREGRINE_MAX_BODY_BYTES:-" + ServerLimits.DEFAULT_MAX_BODY_BYTES + "}",
            description = "Largest JSON body and NDJSON line (env PEREGRINE_MAX_BODY_BYTES, default ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--max-batch-events",
            defaultValue = "${env:PEREGRINE_MAX_BATCH_EVENTS:-" + ServerLimits.DEFAULT_MAX_BATCH_EVENTS + "}",
            description = "Most events in one JSON batch (env PEREGRINE_MAX_BATCH_EVENTS, default ${DEFAULT-VALUE}).")
    int maxBatchEvents;

    @Option(names = "--max-id-length",
            defaultValue = "${env:PEREGRINE_MAX_ID_LENGTH:-" + ServerLimits.DEFAULT_MAX_ID_LENGTH + "}",
            description = "Longest entity_id, tenant_id, event_type (env PEREGRINE_MAX_ID_LENGTH, default ${DEFAULT-VALUE}).")
    int maxIdLength;

    @Option(names = "--max-query-limit",
            defaultValue = "${env:PEREGRINE_MAX_QUERY_LIMIT:-" + ServerLimits.DEFAULT_MAX_QUERY_LIMIT + "}",
            description = "Largest query page (env PEREGRINE_MAX_QUERY_LIMIT, default ${DEFAULT-VALUE}).")
    int maxQueryLimit;

    @Option(names = "--max-json-depth",
            defaultValue = "${env:PEREGRINE_MAX_JSON_DEPTH:-" + ServerLimits.DEFAULT_MAX_JSON_DEPTH + "}",
            description = "Deepest JSON nesting in a request (env PEREGRINE_MAX_JSON_DEPTH, default ${DEFAULT-VALUE}).")
    int maxJsonDepth;

    @Option(names = "--ndjson-chunk-events",
            defaultValue = "${env:PEREGRINE_NDJSON_CHUNK_EVENTS:-" + ServerLimits.DEFAULT_NDJSON_CHUNK_EVENTS + "}",
            description = "Events per atomic NDJSON chunk (env PEREGRINE_NDJSON_CHUNK_EVENTS, default ${DEFAULT-VALUE}).")
    int ndjsonChunkEvents;

    @Option(names = "--header-timeout-ms",
            defaultValue = "${env:PEREGRINE_HEADER_TIMEOUT_MS:-" + ServerConfig.DEFAULT_HEADER_TIMEOUT_MILLIS + "}",
            description = "Longest wait for a request's head, and for the next request on an idle connection;"
                    + " then the connection is closed (env PEREGRINE_HEADER_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
    long headerTimeoutMillis;

    @Option(names = "--body-timeout-ms",
            defaultValue = "${env:PEREGRINE_BODY_TIMEOUT_MS:-" + ServerConfig.DEFAULT_BODY_TIMEOUT_MILLIS + "}",
            description = "Longest silence within a request body; then 408 and the connection is closed"
                    + " (env PEREGRINE_BODY_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
    long bodyTimeoutMillis;

    @Option(names = "--max-field-names",
            defaultValue = "${env:PEREGRINE_MAX_FIELD_NAMES:-" + StoreOptions.DEFAULT_MAX_FIELD_NAMES + "}",
            description = "Most distinct payload/metadata field names the store holds; an append needing more is"
                    + " refused with 422 (env PEREGRINE_MAX_FIELD_NAMES, default ${DEFAULT-VALUE}).")
    int maxFieldNames;

    @Option(names = "--min-free-bytes",
            defaultValue = "${env:PEREGRINE_MIN_FREE_BYTES:-" + ServerConfig.DEFAULT_MIN_FREE_BYTES + "}",
            description = "Free disk space appends leave: below it they are refused with 507 before the disk is"
                    + " full, and resume by themselves once space is freed; 0 turns it off"
                    + " (env PEREGRINE_MIN_FREE_BYTES, default ${DEFAULT-VALUE}).")
    long minFreeBytes;

    @Option(names = "--backup-dir", defaultValue = "${env:PEREGRINE_BACKUP_DIR}",
            description = "Where POST /api/v1/ops/backup writes backups, one directory per backup name"
                    + " (env PEREGRINE_BACKUP_DIR, default <data>-backups beside the data directory).")
    Path backupDirectory;

    @Option(names = "--tls-cert", defaultValue = "${env:PEREGRINE_TLS_CERT}",
            description = "PEM certificate chain: serve HTTPS (TLS 1.2 and 1.3), reloaded when the file changes"
                    + " (env PEREGRINE_TLS_CERT). Needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:PEREGRINE_TLS_KEY}",
            description = "PEM private key of --tls-cert (PKCS#8, or PKCS#1 RSA) (env PEREGRINE_TLS_KEY).")
    Path tlsKey;

    @Option(names = "--tls-keystore", defaultValue = "${env:PEREGRINE_TLS_KEYSTORE}",
            description = "Serve HTTPS with the key and certificate chain of this PKCS#12 keystore, instead of"
                    + " --tls-cert/--tls-key; re-read when it changes (env PEREGRINE_TLS_KEYSTORE).")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password-file", defaultValue = "${env:PEREGRINE_TLS_KEYSTORE_PASSWORD_FILE}",
            description = "File holding the --tls-keystore password (its first line); or set the password itself"
                    + " in env PEREGRINE_TLS_KEYSTORE_PASSWORD. Never on the command line, where ps shows it.")
    Path tlsKeystorePasswordFile;

    @Option(names = "--dev",
            description = "Serve HTTPS with a self-signed certificate for localhost, made on first use in"
                    + " <data>/security/dev-tls.p12, and print how to trust it. For local development only.")
    boolean dev;

    @Option(names = "--insecure", defaultValue = "${env:PEREGRINE_INSECURE:-false}",
            description = "Allow listening on a non-loopback address without TLS or without API keys;"
                    + " warned about at start and on /health (env PEREGRINE_INSECURE).")
    boolean insecure;

    @Option(names = "--tenant-appends-per-second", defaultValue = "${env:PEREGRINE_TENANT_APPENDS_PER_SECOND:-0}",
            description = "Events per second each tenant may append with its tenant-bound keys, 0 for no limit;"
                    + " over it: 429 with Retry-After (env PEREGRINE_TENANT_APPENDS_PER_SECOND, default ${DEFAULT-VALUE}).")
    double tenantAppendsPerSecond;

    @Option(names = "--tenant-append-burst", defaultValue = "${env:PEREGRINE_TENANT_APPEND_BURST:-0}",
            description = "Events a tenant may append at once under --tenant-appends-per-second; 0 means one"
                    + " second's worth (env PEREGRINE_TENANT_APPEND_BURST, default ${DEFAULT-VALUE}).")
    long tenantAppendBurst;

    @Option(names = "--tenant-max-bytes", defaultValue = "${env:PEREGRINE_TENANT_MAX_BYTES:-0}",
            description = "Bytes of events a tenant may hold unless an admin set its own quota (POST /api/v1/tenants),"
                    + " 0 for no limit; over it: 403 (env PEREGRINE_TENANT_MAX_BYTES, default ${DEFAULT-VALUE}).")
    long tenantMaxBytes;

    @Option(names = "--tenant-max-entities", defaultValue = "${env:PEREGRINE_TENANT_MAX_ENTITIES:-0}",
            description = "Entities a tenant may hold unless an admin set its own quota, 0 for no limit; over it:"
                    + " 403 (env PEREGRINE_TENANT_MAX_ENTITIES, default ${DEFAULT-VALUE}).")
    long tenantMaxEntities;

    @Option(names = "--tenant-max-field-names", defaultValue = "${env:PEREGRINE_TENANT_MAX_FIELD_NAMES:-0}",
            description = "Field names a tenant's events may bring into the store's dictionary (counted for the tenant"
                    + " whose event used a name first) unless an admin set its own quota, 0 for no limit; over it: 403"
                    + " (env PEREGRINE_TENANT_MAX_FIELD_NAMES, default ${DEFAULT-VALUE}).")
    long tenantMaxFieldNames;

    @Option(names = "--jwt-key", defaultValue = "${env:PEREGRINE_JWT_KEY}",
            description = "Accept JWTs (Authorization: Bearer) of an identity provider, verified with this PEM public"
                    + " key or JWKS file (env PEREGRINE_JWT_KEY). Needs --jwt-issuer and --jwt-audience.")
    Path jwtKey;

    @Option(names = "--jwt-issuer", defaultValue = "${env:PEREGRINE_JWT_ISSUER}",
            description = "The iss every JWT must carry (env PEREGRINE_JWT_ISSUER).")
    String jwtIssuer;

    @Option(names = "--jwt-audience", defaultValue = "${env:PEREGRINE_JWT_AUDIENCE}",
            description = "The aud every JWT must carry (env PEREGRINE_JWT_AUDIENCE).")
    String jwtAudience;

    /** The certificate {@code --dev} made or found, to say how to trust it; {@code null} without it. */
    private DevCertificate devCertificate;
    /** The gRPC endpoint's counters, shown by the HTTP server's {@code /metrics}. */
    private final GrpcMetrics grpcMetrics = new GrpcMetrics();

    /** The keystore password: from {@code --tls-keystore-password-file}, else the environment. */
    private char[] keystorePassword() {
        if (tlsKeystorePasswordFile != null) {
            try {
                String text = Files.readString(tlsKeystorePasswordFile);
                int end = text.indexOf('\n');
                return (end < 0 ? text : text.substring(0, end)).strip().toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the --tls-keystore-password-file: " + e.getMessage());
            }
        }
        String fromEnvironment = System.getenv("PEREGRINE_TLS_KEYSTORE_PASSWORD");
        return fromEnvironment == null ? new char[0] : fromEnvironment.toCharArray();
    }

    /** The configuration these options describe. */
    ServerConfig config() {
        ServerConfig.Builder builder = ServerConfig.builder()
                .host(host)
                .port(port)
                .dataDirectory(data)
                .durability(durability)
                .segmentBytes(segmentBytes)
                .limits(new ServerLimits(maxBodyBytes, maxBatchEvents, maxIdLength, maxQueryLimit, maxJsonDepth,
                        ndjsonChunkEvents))
                .headerTimeout(Duration.ofMillis(headerTimeoutMillis))
                .bodyTimeout(Duration.ofMillis(bodyTimeoutMillis))
                .maxFieldNames(maxFieldNames)
                .minFreeBytes(minFreeBytes)
                .insecure(insecure)
                .tenantAppendQuota(tenantAppendsPerSecond, tenantAppendBurst > 0 ? tenantAppendBurst
                        : Math.max(1, (long) Math.ceil(tenantAppendsPerSecond)))
                .tenantStorageQuota(tenantMaxBytes, tenantMaxEntities, tenantMaxFieldNames);
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or neither");
        }
        if ((tlsCert != null ? 1 : 0) + (tlsKeystore != null ? 1 : 0) + (dev ? 1 : 0) > 1) {
            throw new IllegalArgumentException("give one of --tls-cert/--tls-key, --tls-keystore and --dev");
        }
        if (tlsCert != null) {
            builder.tls(tlsCert, tlsKey);
        }
        if (tlsKeystore != null) {
            builder.tlsKeystore(tlsKeystore, keystorePassword());
        }
        if (dev) {
            DevCertificate certificate = DevCertificate.ensure(data);
            builder.tlsKeystore(certificate.keystore(), DevCertificate.PASSWORD.toCharArray());
            devCertificate = certificate;
        }
        if (jwtKey != null || jwtIssuer != null || jwtAudience != null) {
            if (jwtKey == null || jwtIssuer == null || jwtAudience == null) {
                throw new IllegalArgumentException("--jwt-key, --jwt-issuer and --jwt-audience go together: give all three");
            }
            builder.jwt(jwtKey, jwtIssuer, jwtAudience);
        }
        if (backupDirectory != null) {
            builder.backupDirectory(backupDirectory);
        }
        ServerFlightRecorder.metrics().forEach(builder::metric);
        grpcMetrics.metrics().forEach(builder::metric);
        return builder.serverLog(ServerFlightRecorder.serverLog()).build();
    }

    @Override
    public Integer call() throws InterruptedException {
        if (grpcPort < 0 || grpcPort > 65_535) {
            System.err.println("peregrine serve: --grpc-port must be within 0..65535, got " + grpcPort);
            return 2;
        }
        // Before the server's first log call, so that its logs land in this recorder.
        ServerFlightRecorder.install(data);
        PeregrineServer server;
        try {
            server = PeregrineServer.start(config());
        } catch (InsecureListenException | IllegalArgumentException refused) {
            System.err.println("peregrine serve: " + refused.getMessage());
            return 2;
        }
        GrpcServer grpc;
        try {
            grpc = grpcPort == 0 ? null : GrpcServer.start(server, grpcPort, grpcMetrics);
        } catch (IllegalStateException refused) {
            server.close();
            System.err.println("peregrine serve: " + refused.getMessage());
            return 2;
        }
        // SIGINT and SIGTERM run shutdown hooks: close answers in-flight requests and closes the store.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (grpc != null) {
                    grpc.close();
                }
            } finally {
                server.close();
            }
            System.out.println("Peregrine stopped: in-flight requests answered, store closed");
            System.out.flush();
        }, "peregrine-shutdown"));
        boolean tls = tlsCert != null || tlsKeystore != null || dev;
        System.out.println("Peregrine listening on " + (tls ? "https" : "http") + "://" + host + ":"
                + server.port() + (grpc == null ? "" : " and kurrentdb://" + host + ":" + grpc.port()
                + "?tls=" + tls) + " (data " + data.toAbsolutePath() + ", durability " + durability
                + "; " + server.access() + "); Ctrl-C to stop");
        if (devCertificate != null) {
            System.out.println(devCertificate.howToTrust(server.port()));
        }
        System.out.flush();
        server.awaitClose();
        return 0;
    }
}
