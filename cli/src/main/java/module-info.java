/** The {@code peregrine} command line. */
module dev.peregrine.cli {
    requires dev.peregrine.record;
    requires dev.peregrine.store;
    requires dev.peregrine.server;
    requires dev.peregrine.flight;
    requires info.picocli;

    opens dev.peregrine.cli to info.picocli;
    opens dev.peregrine.cli.flight to info.picocli;
}
