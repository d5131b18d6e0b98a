package dev.peregrine.cli.flight;

import dev.peregrine.flight.FlightEvent;
import dev.peregrine.flight.Level;
import dev.peregrine.flight.SnapshotHeader;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Filters shared by the flight subcommands: level, target, time, text. */
final class EventFilterOptions {
    private static final Pattern RELATIVE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    @Option(names = {"-l", "--level"}, paramLabel = "LEVEL",
            description = "Only events at this level or more severe (TRACE, DEBUG, INFO, WARN, ERROR).")
    String level;

    @Option(names = {"-t", "--target"}, paramLabel = "PREFIX",
            description = "Only events whose target (logger name) is PREFIX or starts with PREFIX. (repeatable)")
    List<String> targets = new ArrayList<>();

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only events at or after TIME: an ISO-8601 instant (2026-11-21T23:00:00Z) or a span before the last event (30s, 5m, 2h).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only events before TIME (same forms as --since).")
    String until;

    @Option(names = "--text", paramLabel = "TEXT", description = "Only events whose message contains TEXT (case-sensitive).")
    String text;

    /** The filter for a snapshot; relative times count back from its last event. */
    Predicate<FlightEvent> predicate(SnapshotHeader header) {
        Predicate<FlightEvent> p = e -> true;
        if (level != null) {
            Level min;
            try {
                min = Level.parse(level);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--level: " + e.getMessage());
            }
            p = p.and(e -> e.level().compareTo(min) >= 0);
        }
        if (!targets.isEmpty()) {
            List<String> prefixes = List.copyOf(targets);
            p = p.and(e -> prefixes.stream().anyMatch(t -> e.target().equals(t) || e.target().startsWith(t.endsWith(".") ? t : t + ".")));
        }
        if (since != null) {
            long from = parseTime("--since", since, header.lastTimestampNanos());
            p = p.and(e -> e.timestampNanos() >= from);
        }
        if (until != null) {
            long to = parseTime("--until", until, header.lastTimestampNanos());
            p = p.and(e -> e.timestampNanos() < to);
        }
        if (text != null) {
            String needle = text;
            p = p.and(e -> e.message().contains(needle));
        }
        return p;
    }

    static long parseTime(String option, String value, long lastEventNanos) {
        Matcher m = RELATIVE.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            Duration span = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return lastEventNanos - span.toNanos();
        }
        try {
            Instant t = Instant.parse(value.strip());
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": '" + value
                    + "' is neither an ISO-8601 instant (2026-11-21T23:00:00Z) nor a span (30s, 5m, 2h, 1d)");
        }
    }
}
