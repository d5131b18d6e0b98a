/** The {@code peregrine} command line. */
module dev.peregrine.cli {
    requires dev.peregrine.record;
    requires dev.peregrine.store;
    requires dev.peregrine.server;
    requires dev.peregrine.grpc;
    requires dev.peregrine.flight;
    requires info.picocli;
    requires java.net.http;
    requires com.fasterxml.jackson.core;

    opens dev.peregrine.cli to info.picocli;
    opens dev.peregrine.cli.flight to info.picocli;
}
