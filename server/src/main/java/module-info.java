/** Peregrine's HTTP server. */
module dev.peregrine.server {
    requires dev.peregrine.store;
    requires com.fasterxml.jackson.core;
    requires io.vertx.core;
    requires org.slf4j;
}
