package dev.peregrine.cli.flight;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code peregrine flight}: reads flight-recorder snapshot files. */
@Command(
        name = "flight",
        mixinStandardHelpOptions = true,
        description = {
            "Read flight-recorder snapshot files (.pgfl).",
            "Examples:",
            "  peregrine flight show app.pgfl --level WARN --since 5m",
            "  peregrine flight grep 'order 4[0-9]+' app.pgfl --format ndjson",
            "  peregrine flight stats app.pgfl",
            "  peregrine flight show app.pgfl --format ingest > events.ndjson"
        },
        subcommands = {ShowCommand.class, GrepCommand.class, StatsCommand.class, CommandLine.HelpCommand.class})
public final class FlightCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand: show, grep or stats");
    }
}
