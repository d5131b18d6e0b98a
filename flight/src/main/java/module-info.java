/**
 * Peregrine's flight recorder: a lock-free in-memory ring of structured log events, snapshot files, a
 * reader for them, and an SLF4J 2 provider.
 */
module dev.peregrine.flight {
    requires transitive org.slf4j;
    // lz4-java ships no module-info; its manifest declares Automatic-Module-Name: org.lz4.java.
    requires org.lz4.java;
    requires java.net.http;
    // sun.misc.Signal, to tell a SIGTERM shutdown from other shutdowns (see ProcessTriggers).
    requires jdk.unsupported;

    exports dev.peregrine.flight;
    exports dev.peregrine.flight.slf4j;

    provides org.slf4j.spi.SLF4JServiceProvider with dev.peregrine.flight.slf4j.FlightServiceProvider;
}
