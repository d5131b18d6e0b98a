package dev.peregrine.cli.flight;

import dev.peregrine.flight.FlightSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** Base of the flight subcommands: reads the snapshot and turns read errors into a clear message and exit code 1. */
abstract class SnapshotCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The snapshot file named on the command line. */
    abstract Path file();

    @Override
    public final Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        FlightSnapshot snapshot;
        try {
            snapshot = FlightSnapshot.read(file());
        } catch (NoSuchFileException e) {
            err.println("error: no such file: " + file());
            return 1;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        try {
            return run(snapshot, spec.commandLine().getOut());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    abstract int run(FlightSnapshot snapshot, PrintWriter out);
}
