package dev.peregrine.cli.flight;

import dev.peregrine.flight.FlightEvent;
import dev.peregrine.flight.FlightSnapshot;
import dev.peregrine.flight.Level;
import dev.peregrine.flight.SnapshotHeader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peregrine flight stats FILE}: header, accounting and counts per level and per target. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Print a snapshot's header and accounting, and event counts per level and per target (after filters).")
final class StatsCommand extends SnapshotCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "Snapshot file (.pgfl).")
    Path file;

    @Mixin
    EventFilterOptions filter;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    Path file() {
        return file;
    }

    @Override
    int run(FlightSnapshot snapshot, PrintWriter out) {
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException("--format: expected text or json, got '" + format + "'");
        }
        Predicate<FlightEvent> keep = filter.predicate(snapshot.header());
        Map<Level, Long> byLevel = new EnumMap<>(Level.class);
        Map<String, Long> byTarget = new TreeMap<>();
        long matched = 0;
        for (FlightEvent e : snapshot.events()) {
            if (keep.test(e)) {
                matched++;
                byLevel.merge(e.level(), 1L, Long::sum);
                byTarget.merge(e.target(), 1L, Long::sum);
            }
        }
        if (format.equals("json")) {
            printJson(snapshot.header(), matched, byLevel, byTarget, out);
        } else {
            printHeader(snapshot.header(), out);
            out.println();
            out.printf("events matching filters: %d%n", matched);
            out.println("per level:");
            byLevel.forEach((level, n) -> out.printf("  %-6s %d%n", level, n));
            out.println("per target:");
            byTarget.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(en -> out.printf("  %-40s %d%n", en.getKey(), en.getValue()));
        }
        out.flush();
        return 0;
    }

    static void printHeader(SnapshotHeader h, PrintWriter out) {
        out.printf("service:      %s%n", h.service());
        out.printf("host:         %s (pid %d)%n", h.host(), h.pid());
        out.printf("reason:       %s%n", h.reason());
        out.printf("taken at:     %s%n", h.created());
        out.printf("events:       %d, from %s to %s%n", h.eventCount(), instant(h.firstTimestampNanos()), instant(h.lastTimestampNanos()));
        out.printf("ring:         capacity %d; recorded %d, filtered %d, overwritten %d%n", h.capacity(), h.recorded(), h.filtered(), h.overwritten());
        out.printf("during copy:  %d overwritten, %d in flight (not in the file)%n", h.overwrittenDuringCopy(), h.inFlight());
        out.printf("format:       version %d%n", h.formatVersion());
    }

    private static String instant(long nanos) {
        return nanos == 0 ? "-" : Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    private static void printJson(SnapshotHeader h, long matched, Map<Level, Long> byLevel, Map<String, Long> byTarget, PrintWriter out) {
        StringBuilder s = new StringBuilder("{");
        s.append("\"service\":").append(quote(h.service()));
        s.append(",\"host\":").append(quote(h.host()));
        s.append(",\"pid\":").append(h.pid());
        s.append(",\"reason\":").append(quote(h.reason()));
        s.append(",\"created\":").append(quote(h.created().toString()));
        s.append(",\"first_timestamp\":").append(quote(instant(h.firstTimestampNanos())));
        s.append(",\"last_timestamp\":").append(quote(instant(h.lastTimestampNanos())));
        s.append(",\"capacity\":").append(h.capacity());
        s.append(",\"recorded\":").append(h.recorded());
        s.append(",\"filtered\":").append(h.filtered());
        s.append(",\"overwritten\":").append(h.overwritten());
        s.append(",\"events\":").append(h.eventCount());
        s.append(",\"overwritten_during_copy\":").append(h.overwrittenDuringCopy());
        s.append(",\"in_flight\":").append(h.inFlight());
        s.append(",\"matching\":").append(matched);
        s.append(",\"per_level\":{");
        String sep = "";
        for (var en : byLevel.entrySet()) {
            s.append(sep).append(quote(en.getKey().name())).append(':').append(en.getValue());
            sep = ",";
        }
        s.append("},\"per_target\":{");
        sep = "";
        for (var en : byTarget.entrySet()) {
            s.append(sep).append(quote(en.getKey())).append(':').append(en.getValue());
            sep = ",";
        }
        out.println(s.append("}}"));
    }

    private static String quote(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
