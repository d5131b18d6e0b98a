/**
 * Peregrine's HTTP server: {@link dev.peregrine.server.PeregrineServer}, configured by
 * {@link dev.peregrine.server.ServerConfig} and {@link dev.peregrine.server.ServerLimits}. Everything
 * else in the package is internal (package-private).
 */
module dev.peregrine.server {
    requires transitive dev.peregrine.store;
    requires com.fasterxml.jackson.core;
    requires io.vertx.core;
    requires io.netty.codec;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires org.slf4j;
    requires HdrHistogram; // an automatic module: the jar has no module descriptor

    exports dev.peregrine.server;
}
