package dev.peregrine.flight.internal.sink;

import dev.peregrine.flight.FlightEvent;
import dev.peregrine.flight.internal.codec.Text;
import java.io.PrintStream;

/**
 * Human-readable lines on a console stream:
 * {@code 2026-11-21T23:02:59.123456789Z INFO  [main] orders - order 42 filled qty=3 px=1.5 {venue=XNAS}},
 * with the level coloured (ANSI) when the stream is a terminal.
 */
public final class ConsoleSink implements Sink {
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
        line.setLength(0);
        Text.line(line, e, color);
        out.print(line.append(System.lineSeparator()));
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
