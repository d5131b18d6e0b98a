package dev.peregrine.cli.flight;

import dev.peregrine.flight.FlightEvent;
import picocli.CommandLine.Option;

/** Output options shared by {@code show} and {@code grep}. */
final class EventOutputOptions {
    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, ndjson or ingest (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto", description = "auto, always or never (default: ${DEFAULT-VALUE}).")
    String color;

    /** A renderer for this run; colour only for text output on a terminal, unless forced. */
    java.util.function.Function<FlightEvent, String> renderer() {
        boolean colored = format == OutputFormat.text && switch (color) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> System.console() != null && System.console().isTerminal();
            default -> throw new IllegalArgumentException("--color: expected auto, always or never, got '" + color + "'");
        };
        return e -> format.render(e, colored);
    }
}
