package dev.peregrine.flight;

import dev.peregrine.flight.internal.codec.Text;
import java.time.Instant;
import java.util.List;

/**
 * One recorded event, as read back from the ring or from a snapshot file. Immutable.
 *
 * @param sequence       position in the ring's sequence (claim order across all threads; per thread increasing)
 * @param timestampNanos wall-clock time in nanoseconds since the Unix epoch
 * @param level          severity
 * @param threadId       {@code Thread.threadId()} of the producer
 * @param threadName     the producer thread's name when it logged
 * @param target         logger name
 * @param template       message template with {@code {}} placeholders
 * @param args           typed arguments, in order
 * @param fields         key-value fields (event fields, then MDC entries)
 * @param truncated      whether values or string bytes were cut to fit the ring slot
 */
public record FlightEvent(
        long sequence,
        long timestampNanos,
        Level level,
        long threadId,
        String threadName,
        String target,
        String template,
        List<FlightValue> args,
        List<FlightField> fields,
        boolean truncated) {

    /** Copies the lists so the event stays immutable. */
    public FlightEvent {
        args = List.copyOf(args);
        fields = List.copyOf(fields);
    }

    /** The timestamp as an {@link Instant}. */
    public Instant timestamp() {
        return Instant.ofEpochSecond(Math.floorDiv(timestampNanos, 1_000_000_000L), Math.floorMod(timestampNanos, 1_000_000_000L));
    }

    /**
     * The message: the template with each {@code {}} replaced by the next argument, SLF4J style
     * ({@code \{}} is a literal brace pair). A throwable argument left over is appended after the message.
     */
    public String message() {
        return Text.render(template, args);
    }

    /**
     * One human-readable line without a line separator, as the console sink prints it:
     * {@code 2026-11-21T23:02:59.123456789Z INFO  [main] orders - order 42 filled {venue=XNAS}}.
     *
     * @param color whether to colour the level with ANSI escapes
     */
    public String toLine(boolean color) {
        StringBuilder s = new StringBuilder(128);
        Text.line(s, this, color);
        return s.toString();
    }

    /** One line of JSON with every attribute of the event (the NDJSON file and CLI format). */
    public String toJson() {
        return Text.eventJson(this);
    }

    /**
     * One line of JSON in Peregrine's event-ingest shape:
     * {@code {"event_type":"log.<level>","entity_id":"<target>","payload":{...}}}, so that a snapshot can be
     * loaded into a Peregrine store with {@code peregrine ingest} or forwarded to a server.
     */
    public String toIngestJson() {
        return Text.ingestJson(this);
    }
}
