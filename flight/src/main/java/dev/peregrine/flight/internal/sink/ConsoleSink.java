package dev.peregrine.flight.internal.sink;

import dev.peregrine.flight.FlightEvent;
import dev.peregrine.flight.FlightField;
import java.io.PrintStream;

/**
 * Human-readable lines on a console stream:
 * {@code 2026-11-21T23:02:59.123456789Z INFO  [main] orders - order 42 filled qty=3 px=1.5 {venue=XNAS}},
 * with the level coloured (ANSI) when the stream is a terminal.
 */
public final class ConsoleSink implements Sink {
    private static final String RESET = "\u001b[0m";

    private final PrintStream out;
    private final boolean color;
    private final StringBuilder line = new StringBuilder(256);

    public ConsoleSink(PrintStream out, boolean color) {
        this.out = out;
        this.color = color;
    }

    /** Whether this JVM's console is an interactive terminal (JDK 22+ {@code Console.isTerminal}). */
    public static boolean stdoutIsTerminal() {
        var console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public void accept(FlightEvent e) {
        out.print(format(e, color, line));
    }

    /** Formats one event as a console line ending in a newline. */
    public static String format(FlightEvent e, boolean color, StringBuilder reuse) {
        StringBuilder s = reuse;
        s.setLength(0);
        s.append(e.timestamp()).append(' ');
        if (color) {
            s.append(switch (e.level()) {
                case ERROR -> "\u001b[31;1m";
                case WARN -> "\u001b[33m";
                case INFO -> "\u001b[32m";
                case DEBUG -> "\u001b[36m";
                default -> "\u001b[90m";
            });
        }
        String level = e.level().name();
        s.append(level);
        if (color) {
            s.append(RESET);
        }
        s.append(" ".repeat(6 - level.length())).append('[').append(e.threadName()).append("] ").append(e.target()).append(" - ");
        s.append(e.message());
        if (!e.fields().isEmpty()) {
            s.append(" {");
            for (int i = 0; i < e.fields().size(); i++) {
                FlightField f = e.fields().get(i);
                if (i > 0) {
                    s.append(", ");
                }
                s.append(f.key()).append('=').append(f.value().text());
            }
            s.append('}');
        }
        if (e.truncated()) {
            s.append(" [truncated]");
        }
        return s.append(System.lineSeparator()).toString();
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }

    @Override
    public String toString() {
        return "console";
    }
}
