package dev.peregrine.cli;

import dev.peregrine.cli.flight.FlightCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code peregrine} command: dispatches to one subcommand per job. */
@Command(
        name = "peregrine",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Peregrine: a high-performance, durable event store for the JVM.",
        subcommands = {
            CommandLine.HelpCommand.class,
            ServeCommand.class,
            IngestCommand.class,
            QueryCommand.class,
            StateCommand.class,
            StatsCommand.class,
            FlightCommand.class,
            DemoCommand.class,
            BackupCommand.class,
            RetentionCommand.class,
            ScavengeCommand.class,
            RestoreCommand.class,
            KeysCommand.class,
            UsersCommand.class,
            SchemasCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with the subcommand's status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured picocli command line, exposed for tests. */
    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        // No subcommand given: show what there is, and fail so scripts notice.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }
}
