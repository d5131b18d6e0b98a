package dev.peregrine.server;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.server.tenant.Tenants;
import dev.peregrine.store.StoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link PeregrineServer} needs to start: where to listen, where the data lives, the
 * durability policy and the request limits. Immutable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder().port(0).dataDirectory(Path.of("/tmp/pg")).build();
 * }</pre>
 *
 * <p>Defaults: host {@value #DEFAULT_HOST}, port {@value #DEFAULT_PORT}, data directory
 * {@value #DEFAULT_DATA_DIRECTORY}, durability {@value #DEFAULT_DURABILITY}, limits
 * {@link ServerLimits#defaults()}, header timeout {@link #DEFAULT_HEADER_TIMEOUT}, body timeout
 * {@link #DEFAULT_BODY_TIMEOUT}, at most {@value StoreOptions#DEFAULT_MAX_FIELD_NAMES} distinct
 * field names, no {@linkplain Builder#metric extra metrics}, plain HTTP (no {@linkplain Builder#tls TLS}),
 * not {@linkplain #insecure() insecure}.
 */
public final class ServerConfig {
    /** Loopback only by default: exposing an unauthenticated store must be a deliberate choice. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The port AllSource Core listens on, so its clients work without changes. */
    public static final int DEFAULT_PORT = 8080;
    /** Relative to the working directory. */
    public static final String DEFAULT_DATA_DIRECTORY = "peregrine-data";
    /** Acknowledge an append only once it is on disk. */
    public static final String DEFAULT_DURABILITY = "fsync";
    /** 10 s for a request head: ample for any client on any network, short for a slowloris attack. */
    public static final long DEFAULT_HEADER_TIMEOUT_MILLIS = 10_000;
    /** {@link #DEFAULT_HEADER_TIMEOUT_MILLIS} as a duration. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofMillis(DEFAULT_HEADER_TIMEOUT_MILLIS);
    /** 30 s without a byte of a request body: a client that stalls that long has gone. */
    public static final long DEFAULT_BODY_TIMEOUT_MILLIS = 30_000;
    /**
     * The default free-space watermark, 64 MiB: room for the checkpoints, the snapshots and the
     * operator's tools. A segment roll that does not fit in what is left is refused on its own (the
     * disk-full path), so the watermark need not cover a whole segment.
     */
    public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

    /** {@link #DEFAULT_BODY_TIMEOUT_MILLIS} as a duration. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofMillis(DEFAULT_BODY_TIMEOUT_MILLIS);

    private final String host;
    private final int port;
    private final Path dataDirectory;
    private final String durability;
    private final int segmentBytes;
    private final ServerLimits limits;
    private final Duration headerTimeout;
    private final Duration bodyTimeout;
    private final int maxFieldNames;
    private final List<ExtraMetric> extraMetrics;
    private final Path backupDirectory;
    private final long minFreeBytes;
    private final Optional<ServerLog> serverLog;
    private final Path tlsCertificate;
    private final Path tlsKey;
    private final Path tlsKeystore;
    private final char[] tlsKeystorePassword;
    private final boolean insecure;
    private final double tenantAppendsPerSecond;
    private final long tenantAppendBurst;
    private final Tenants.Quotas tenantQuotas;
    private final Path jwtKey;
    private final String jwtIssuer;
    private final String jwtAudience;

    private ServerConfig(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.dataDirectory = builder.dataDirectory;
        this.durability = builder.durability;
        this.segmentBytes = builder.segmentBytes;
        this.limits = builder.limits;
        this.headerTimeout = builder.headerTimeout;
        this.bodyTimeout = builder.bodyTimeout;
        this.maxFieldNames = builder.maxFieldNames;
        this.extraMetrics = List.copyOf(builder.extraMetrics);
        this.backupDirectory = builder.backupDirectory != null ? builder.backupDirectory
                : defaultBackupDirectory(builder.dataDirectory);
        this.serverLog = builder.serverLog;
        this.minFreeBytes = builder.minFreeBytes;
        this.tlsCertificate = builder.tlsCertificate;
        this.tlsKey = builder.tlsKey;
        this.tlsKeystore = builder.tlsKeystore;
        this.tlsKeystorePassword = builder.tlsKeystorePassword;
        this.insecure = builder.insecure;
        this.tenantAppendsPerSecond = builder.tenantAppendsPerSecond;
        this.tenantAppendBurst = builder.tenantAppendBurst;
        this.tenantQuotas = builder.tenantQuotas;
        this.jwtKey = builder.jwtKey;
        this.jwtIssuer = builder.jwtIssuer;
        this.jwtAudience = builder.jwtAudience;
    }

    /** @return {@code <data>-backups}, beside the data directory */
    static Path defaultBackupDirectory(Path dataDirectory) {
        Path absolute = dataDirectory.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + "-backups");
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The address to listen on. */
    public String host() {
        return host;
    }

    /** The TCP port to listen on; 0 picks a free one (see {@link PeregrineServer#port()}). */
    public int port() {
        return port;
    }

    /** The store's directory, created if missing. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The durability policy as the store parses it: {@code fsync}, {@code interval:<ms>} or {@code none}. */
    public String durability() {
        return durability;
    }

    /** The size of new log segment files (each is allocated in full when it is created). */
    public int segmentBytes() {
        return segmentBytes;
    }

    /** The request limits. */
    public ServerLimits limits() {
        return limits;
    }

    /**
     * How long a request head (request line and headers) may take to arrive, counted from the
     * connection's opening or, on a kept-alive connection, from the previous response; also how
     * long an idle kept-alive connection stays open. A late head's connection is closed.
     */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /**
     * How long a request body may send nothing (while the server reads it); a stalled body is
     * answered 408 and its connection closed.
     */
    public Duration bodyTimeout() {
        return bodyTimeout;
    }

    /** Most distinct field names the store holds ({@link StoreOptions#maxFieldNames()}). */
    public int maxFieldNames() {
        return maxFieldNames;
    }

    /** Metrics the embedding application adds to {@code GET /metrics}. */
    public List<ExtraMetric> extraMetrics() {
        return extraMetrics;
    }

    /**
     * Where {@code POST /api/v1/ops/backup} writes backups, one directory per backup name; by default
     * {@code <data>-backups} beside the data directory. Clients name a backup, never a path.
     */
    public Path backupDirectory() {
        return backupDirectory;
    }

    /**
     * The free disk space appends leave ({@link StoreOptions#minFreeBytes()}): below it they are
     * refused with 507 before the disk is full; default {@value #DEFAULT_MIN_FREE_BYTES}.
     */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** The process's log, shown by the web console; empty when the application gave none. */
    public Optional<ServerLog> serverLog() {
        return serverLog;
    }

    /** The PEM certificate chain served over TLS; empty when the server speaks plain HTTP. */
    public Optional<Path> tlsCertificate() {
        return Optional.ofNullable(tlsCertificate);
    }

    /** The PEM private key of {@link #tlsCertificate()}; present exactly when it is. */
    public Optional<Path> tlsKey() {
        return Optional.ofNullable(tlsKey);
    }

    /** The PKCS#12 keystore served over TLS, instead of PEM files; empty when none was given. */
    public Optional<Path> tlsKeystore() {
        return Optional.ofNullable(tlsKeystore);
    }

    /** The password of {@link #tlsKeystore()} (a copy; never in {@link #toString()}). */
    public char[] tlsKeystorePassword() {
        return tlsKeystorePassword == null ? new char[0] : tlsKeystorePassword.clone();
    }

    /** Whether the server speaks HTTPS: PEM files or a keystore were given. */
    public boolean tlsEnabled() {
        return tlsCertificate != null || tlsKeystore != null;
    }

    /**
     * Whether the server may listen on a non-loopback address without TLS or without
     * authentication (see docs/security.md); it then warns at start and on {@code /health}.
     */
    public boolean insecure() {
        return insecure;
    }

    /** Events per second each tenant may append with tenant-bound keys; 0 (the default) for no limit. */
    public double tenantAppendsPerSecond() {
        return tenantAppendsPerSecond;
    }

    /** Events a tenant may append at once before {@link #tenantAppendsPerSecond()} applies. */
    public long tenantAppendBurst() {
        return tenantAppendBurst;
    }

    /**
     * What a tenant may hold unless an admin set its own quotas (see docs/security.md): bytes of
     * events (payload and metadata records), entities and field names it brought into the store;
     * by default {@link Tenants.Quotas#NONE} (no limit).
     */
    Tenants.Quotas tenantQuotas() {
        return tenantQuotas;
    }

    /** The public key (PEM) or key set (JWKS) JWTs are verified with; empty when JWTs are not accepted. */
    public Optional<Path> jwtKey() {
        return Optional.ofNullable(jwtKey);
    }

    /** The {@code iss} every JWT must carry, when {@link #jwtKey()} is set. */
    public String jwtIssuer() {
        return jwtIssuer;
    }

    /** The {@code aud} every JWT must carry, when {@link #jwtKey()} is set. */
    public String jwtAudience() {
        return jwtAudience;
    }

    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", data=" + dataDirectory
                + ", durability=" + durability + ", limits=" + limits + ", headerTimeout=" + headerTimeout
                + ", bodyTimeout=" + bodyTimeout + ", maxFieldNames=" + maxFieldNames
                + ", tls=" + tlsEnabled() + ", insecure=" + insecure + "]";
    }

    /** Builds a {@link ServerConfig}; not thread-safe. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Path dataDirectory = Path.of(DEFAULT_DATA_DIRECTORY);
        private Path backupDirectory;
        private long minFreeBytes = DEFAULT_MIN_FREE_BYTES;
        private String durability = DEFAULT_DURABILITY;
        private int segmentBytes = StoreOptions.defaults().segmentBytes();
        private ServerLimits limits = ServerLimits.defaults();
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
        private int maxFieldNames = StoreOptions.DEFAULT_MAX_FIELD_NAMES;
        private final List<ExtraMetric> extraMetrics = new ArrayList<>();
        private Optional<ServerLog> serverLog = Optional.empty();
        private Path tlsCertificate;
        private Path tlsKey;
        private Path tlsKeystore;
        private char[] tlsKeystorePassword;
        private boolean insecure;
        private double tenantAppendsPerSecond;
        private long tenantAppendBurst;
        private Tenants.Quotas tenantQuotas = Tenants.Quotas.NONE;
        private Path jwtKey;
        private String jwtIssuer;
        private String jwtAudience;

        private Builder() {
        }

        /** Sets the listen address. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Sets the port, 0 to 65535. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be within 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Sets the data directory. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** Sets the size of new log segment files, at least {@link StoreOptions#MIN_SEGMENT_BYTES}. */
        public Builder segmentBytes(int segmentBytes) {
            if (segmentBytes < StoreOptions.MIN_SEGMENT_BYTES) {
                throw new IllegalArgumentException("segment bytes must be at least " + StoreOptions.MIN_SEGMENT_BYTES
                        + ", got " + segmentBytes);
            }
            this.segmentBytes = segmentBytes;
            return this;
        }

        /** Sets the durability policy ({@code fsync}, {@code interval:<ms>}, {@code none}). */
        public Builder durability(String durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** Sets the request limits. */
        public Builder limits(ServerLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Sets the {@linkplain ServerConfig#headerTimeout() header timeout}, at least 1 ms. */
        public Builder headerTimeout(Duration timeout) {
            this.headerTimeout = requireTimeout("headerTimeout", timeout);
            return this;
        }

        /** Sets the {@linkplain ServerConfig#bodyTimeout() body timeout}, at least 1 ms. */
        public Builder bodyTimeout(Duration timeout) {
            this.bodyTimeout = requireTimeout("bodyTimeout", timeout);
            return this;
        }

        private static Duration requireTimeout(String name, Duration timeout) {
            Objects.requireNonNull(timeout, name);
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms, got " + timeout);
            }
            return timeout;
        }

        /** Sets the most distinct field names the store holds, 1 to {@link FieldDictionary#MAX_NAMES}. */
        public Builder maxFieldNames(int maxFieldNames) {
            if (maxFieldNames < 1 || maxFieldNames > FieldDictionary.MAX_NAMES) {
                throw new IllegalArgumentException("maxFieldNames must be within 1.." + FieldDictionary.MAX_NAMES
                        + ", got " + maxFieldNames);
            }
            this.maxFieldNames = maxFieldNames;
            return this;
        }

        /** Sets the {@linkplain ServerConfig#minFreeBytes() free-space watermark}; 0 turns it off. */
        public Builder minFreeBytes(long minFreeBytes) {
            if (minFreeBytes < 0) {
                throw new IllegalArgumentException("minFreeBytes must be >= 0, got " + minFreeBytes);
            }
            this.minFreeBytes = minFreeBytes;
            return this;
        }

        /** Sets the {@linkplain ServerConfig#backupDirectory() backup directory}. */
        public Builder backupDirectory(Path backupDirectory) {
            this.backupDirectory = Objects.requireNonNull(backupDirectory, "backupDirectory");
            return this;
        }

        /** Adds a metric to {@code GET /metrics}; its name must not clash with the server's own. */
        public Builder metric(ExtraMetric metric) {
            extraMetrics.add(Objects.requireNonNull(metric, "metric"));
            return this;
        }

        /** Sets the log the web console's server log page shows (none by default). */
        public Builder serverLog(ServerLog log) {
            this.serverLog = Optional.of(log);
            return this;
        }

        /**
         * Serves HTTPS (TLS 1.2 and 1.3 only) with a PEM certificate chain and its PEM private key
         * (PKCS#8, or PKCS#1 RSA). The files are read at start and again whenever they change.
         */
        public Builder tls(Path certificate, Path key) {
            this.tlsCertificate = Objects.requireNonNull(certificate, "certificate");
            this.tlsKey = Objects.requireNonNull(key, "key");
            this.tlsKeystore = null;
            return this;
        }

        /**
         * Serves HTTPS (TLS 1.2 and 1.3 only) with the key and certificate chain in a PKCS#12
         * keystore (its first key entry), instead of PEM files. The file is read at start and again
         * whenever it changes.
         */
        public Builder tlsKeystore(Path keystore, char[] password) {
            this.tlsKeystore = Objects.requireNonNull(keystore, "keystore");
            this.tlsKeystorePassword = password.clone();
            this.tlsCertificate = null;
            this.tlsKey = null;
            return this;
        }

        /** Allows listening off loopback without TLS or without authentication; default false. */
        public Builder insecure(boolean insecure) {
            this.insecure = insecure;
            return this;
        }

        /**
         * Limits each tenant's appends (through tenant-bound keys) to a token bucket of
         * {@code burst} events refilled at {@code perSecond} events a second; {@code perSecond} 0
         * for no limit (the default). Over it, appends are answered 429 with {@code Retry-After}.
         */
        public Builder tenantAppendQuota(double perSecond, long burst) {
            if (perSecond < 0 || Double.isNaN(perSecond) || (perSecond > 0 && burst < 1)) {
                throw new IllegalArgumentException("a tenant append quota needs a rate ≥ 0 and, when limited, a burst ≥ 1;"
                        + " got " + perSecond + "/s, burst " + burst);
            }
            this.tenantAppendsPerSecond = perSecond;
            this.tenantAppendBurst = burst;
            return this;
        }

        /**
         * The quotas of tenants an admin gave none of their own: bytes of events, entities and field
         * names it brought into the store first, each 0 for no limit (the default). Over one, appends
         * are answered 403 naming it.
         *
         * @throws IllegalArgumentException for a negative quota
         */
        public Builder tenantStorageQuota(long maxBytes, long maxEntities, long maxFieldNames) {
            this.tenantQuotas = new Tenants.Quotas(maxBytes, maxEntities, maxFieldNames);
            return this;
        }

        /**
         * Accepts JWTs of an identity provider as {@code Authorization: Bearer}, verified with the
         * public key (PEM) or key set (JWKS) in {@code keyFile}, read at start, and required to carry
         * this issuer and audience (see docs/security.md for the claims).
         */
        public Builder jwt(Path keyFile, String issuer, String audience) {
            this.jwtKey = Objects.requireNonNull(keyFile, "keyFile");
            this.jwtIssuer = Objects.requireNonNull(issuer, "issuer");
            this.jwtAudience = Objects.requireNonNull(audience, "audience");
            return this;
        }

        /** The configuration. */
        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
