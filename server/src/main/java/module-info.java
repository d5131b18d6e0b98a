/**
 * Peregrine's HTTP server: {@link dev.peregrine.server.PeregrineServer}, configured by
 * {@link dev.peregrine.server.ServerConfig} and {@link dev.peregrine.server.ServerLimits}. Everything
 * else in the package is internal (package-private); {@code dev.peregrine.server.auth} (API keys,
 * roles) is exported to the command line only.
 */
module dev.peregrine.server {
    requires transitive dev.peregrine.store;
    requires transitive dev.peregrine.schema; // PeregrineServer#schemas
    requires com.fasterxml.jackson.core;
    requires io.vertx.core;
    requires io.netty.codec;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires org.slf4j;
    requires HdrHistogram; // an automatic module: the jar has no module descriptor
    requires com.nimbusds.jose.jwt;

    exports dev.peregrine.server;
    // API keys for `peregrine keys`, which manages them offline on a data directory; users for the
    // gRPC face, which checks Basic credentials against the same key ring.
    exports dev.peregrine.server.auth to dev.peregrine.cli, dev.peregrine.grpc;
}
