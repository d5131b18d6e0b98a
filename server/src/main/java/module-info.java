/** Peregrine's HTTP server. */
module dev.peregrine.server {
    requires dev.peregrine.store;
    requires com.fasterxml.jackson.core;
    requires io.vertx.core;
    requires io.netty.codec;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires org.slf4j;

    exports dev.peregrine.server;
}
