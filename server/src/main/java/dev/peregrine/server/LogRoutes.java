package dev.peregrine.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The server's own log, for the web console: {@code GET /api/v1/log} (the newest lines, filtered,
 * continuing after a sequence for follow mode) and {@code POST /api/v1/log/snapshots} (writes a
 * snapshot file and answers it as a download). Both are a 404 when the application gave the server
 * no {@link ServerLog}.
 */
final class LogRoutes {
    /** Levels from the most verbose; a {@code level} filter keeps that one and those after it. */
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private static final int DEFAULT_LINES = 500;
    private static final int MAX_LINES = 5_000;

    private LogRoutes() {
    }

    static void register(Router router, Optional<ServerLog> log) {
        router.add("GET", "/api/v1/log", exchange -> lines(exchange, available(log)));
        router.add("POST", "/api/v1/log/snapshots", exchange -> snapshot(exchange, available(log)));
    }

    private static ServerLog available(Optional<ServerLog> log) {
        return log.orElseThrow(() -> ApiException.notFound("this server has no log to show: it was started without"
                + " one (peregrine serve shows its flight recorder)"));
    }

    /**
     * {@code after} (a sequence, default none), {@code limit} lines examined (1–{@value #MAX_LINES}),
     * {@code level} (the least severe shown) and {@code contains} (case-insensitive, in the message or
     * logger name). {@code next_after} is the last sequence examined, so that a follower polling with
     * it never sees a line twice, whatever the filters left out.
     */
    private static void lines(Exchange exchange, ServerLog log) {
        QueryParameters parameters = QueryParameters.of(exchange.request());
        long after = parameters.integer("after", -1, Long.MAX_VALUE).orElse(-1);
        int limit = (int) parameters.integer("limit", 1, MAX_LINES).orElse(DEFAULT_LINES);
        int least = parameters.string("level").map(LogRoutes::level).orElse(0);
        String contains = parameters.string("contains").map(text -> text.toLowerCase(Locale.ROOT)).orElse("");
        Services services = exchange.services();
        exchange.answerWhenDone(services.offloop(() -> log.recent(after, limit)), recent -> services.json().render(g -> {
            long next = after;
            g.writeStartObject();
            g.writeArrayFieldStart("lines");
            for (ServerLog.Line line : recent) {
                next = Math.max(next, line.sequence());
                if (LEVELS.indexOf(line.level()) < least || !(contains.isEmpty()
                        || line.message().toLowerCase(Locale.ROOT).contains(contains)
                        || line.target().toLowerCase(Locale.ROOT).contains(contains))) {
                    continue;
                }
                g.writeStartObject();
                g.writeNumberField("sequence", line.sequence());
                g.writeStringField("time", Timestamps.format(line.time()));
                g.writeStringField("level", line.level());
                g.writeStringField("thread", line.thread());
                g.writeStringField("target", line.target());
                g.writeStringField("message", line.message());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("next_after", next);
            g.writeEndObject();
        }));
    }

    private static int level(String name) {
        int index = LEVELS.indexOf(name.toUpperCase(Locale.ROOT));
        if (index < 0) {
            throw ApiException.badRequest("parameter 'level' must be one of " + String.join(", ", LEVELS)
                    + " (any case), got '" + name + "'");
        }
        return index;
    }

    /** Writes the snapshot on a worker (it copies and compresses the whole ring) and sends its bytes. */
    private static void snapshot(Exchange exchange, ServerLog log) {
        Services services = exchange.services();
        services.offloop(() -> {
            Path file = log.snapshot();
            return new Snapshot(file.getFileName().toString(), Files.readAllBytes(file));
        }).whenComplete((snapshot, failure) -> exchange.onEventLoop(() -> {
            if (failure != null) {
                exchange.fail(failure);
                return;
            }
            // The file name only: the data directory's path stays on the server.
            exchange.request().response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
                    .putHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + snapshot.name() + "\"")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            exchange.streaming(200);
            exchange.request().response().setStatusCode(200).end(Buffer.buffer(snapshot.bytes()));
        }));
    }

    private record Snapshot(String name, byte[] bytes) {
    }
}
