package dev.peregrine.cli.flight;

import dev.peregrine.flight.FlightEvent;
import dev.peregrine.flight.FlightSnapshot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peregrine flight show FILE}: prints the events of a snapshot. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Print the events of a snapshot, oldest first, optionally filtered.",
            "--format ingest prints Peregrine event-ingest JSON lines that 'peregrine ingest' loads into a store."})
final class ShowCommand extends SnapshotCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "Snapshot file (.pgfl).")
    Path file;

    @Mixin
    EventFilterOptions filter;

    @Mixin
    EventOutputOptions output;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "Print at most N events (the newest N with --tail).")
    Integer limit;

    @Option(names = "--tail", description = "With --limit, print the newest events instead of the oldest.")
    boolean tail;

    @Option(names = "--header", description = "Print the snapshot header first (text format only).")
    boolean header;

    @Override
    int run(FlightSnapshot snapshot, PrintWriter out) {
        if (limit != null && limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
        }
        var render = output.renderer();
        if (header && output.format == OutputFormat.text) {
            StatsCommand.printHeader(snapshot.header(), out);
            out.println();
        }
        Predicate<FlightEvent> keep = filter.predicate(snapshot.header());
        var matching = snapshot.events().stream().filter(keep).toList();
        if (limit != null) {
            matching = tail ? matching.subList(Math.max(0, matching.size() - limit), matching.size())
                    : matching.subList(0, Math.min(limit, matching.size()));
        }
        for (FlightEvent e : matching) {
            out.println(render.apply(e));
        }
        out.flush();
        return 0;
    }

    @Override
    Path file() {
        return file;
    }
}
