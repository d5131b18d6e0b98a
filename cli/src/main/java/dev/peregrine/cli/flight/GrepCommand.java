package dev.peregrine.cli.flight;

import dev.peregrine.flight.FlightEvent;
import dev.peregrine.flight.FlightField;
import dev.peregrine.flight.FlightSnapshot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peregrine flight grep PATTERN FILE}: events whose text matches a regular expression. */
@Command(name = "grep", mixinStandardHelpOptions = true,
        description = "Print events whose message, target, thread or field values match PATTERN (a Java regular expression).")
final class GrepCommand extends SnapshotCommand {
    @Parameters(index = "0", paramLabel = "PATTERN", description = "Regular expression (or fixed text with -F).")
    String pattern;

    @Parameters(index = "1", paramLabel = "FILE", description = "Snapshot file (.pgfl).")
    Path file;

    @Mixin
    EventFilterOptions filter;

    @Option(names = {"-i", "--ignore-case"}, description = "Match case-insensitively.")
    boolean ignoreCase;

    @Option(names = {"-F", "--fixed-strings"}, description = "PATTERN is plain text, not a regular expression.")
    boolean fixed;

    @Option(names = {"-v", "--invert-match"}, description = "Print events that do not match.")
    boolean invert;

    @Option(names = {"-c", "--count"}, description = "Print only the number of matching events.")
    boolean count;

    @Mixin
    EventOutputOptions output;

    @Override
    Path file() {
        return file;
    }

    @Override
    int run(FlightSnapshot snapshot, PrintWriter out) {
        Pattern regex;
        try {
            regex = Pattern.compile(fixed ? Pattern.quote(pattern) : pattern, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("PATTERN is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
        Predicate<FlightEvent> matches = e -> {
            if (regex.matcher(e.message()).find() || regex.matcher(e.target()).find() || regex.matcher(e.threadName()).find()) {
                return true;
            }
            for (FlightField f : e.fields()) {
                if (regex.matcher(f.value().text()).find() || regex.matcher(f.key()).find()) {
                    return true;
                }
            }
            return false;
        };
        Predicate<FlightEvent> keep = filter.predicate(snapshot.header()).and(invert ? matches.negate() : matches);
        var render = output.renderer();
        long n = 0;
        for (FlightEvent e : snapshot.events()) {
            if (keep.test(e)) {
                n++;
                if (!count) {
                    out.println(render.apply(e));
                }
            }
        }
        if (count) {
            out.println(n);
        }
        out.flush();
        return n > 0 ? 0 : 1;
    }
}
