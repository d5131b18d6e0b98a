package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.store.replay.ReplayProgress;
import dev.peregrine.store.replay.ReplayRequest;
import dev.peregrine.store.replay.Replays;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Replays with AllSource's routes and shapes: start ({@code POST /api/v1/replay}), list
 * ({@code GET /api/v1/replay}), progress ({@code GET /api/v1/replay/{replay_id}}), cancel
 * ({@code POST /api/v1/replay/{replay_id}/cancel}), forget ({@code DELETE /api/v1/replay/{replay_id}}).
 * A replay rebuilds one projection ({@code "projection_name"}, as AllSource names it) or one view
 * ({@code "view_name"}, Peregrine's addition) from {@code from_position} or {@code from_timestamp}; the
 * live state serves reads until the rebuilt one is swapped in ({@link Replays}). Starting, cancelling
 * and deleting write the history to disk (and a cancel waits for the replay's thread), so they run on
 * a worker.
 */
final class ReplayRoutes {
    private ReplayRoutes() {
    }

    static void register(Router router) {
        router.add("POST", "/api/v1/replay", ReplayRoutes::start);
        router.add("GET", "/api/v1/replay", ReplayRoutes::list);
        router.add("GET", "/api/v1/replay/{replay_id}", ReplayRoutes::progress);
        router.add("POST", "/api/v1/replay/{replay_id}/cancel", ReplayRoutes::cancel);
        router.add("DELETE", "/api/v1/replay/{replay_id}", ReplayRoutes::delete);
    }

    /** {@code {"projection_name" | "view_name", ["from_position"], ["from_timestamp"]}}. */
    private static void start(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        BodyReader.readThen(exchange, bytes -> {
            ReplayRequest request = request(services, bytes);
            exchange.answerWhenDone(services.offloop(() -> services.store().replays().start(request)),
                    started -> services.json().render(g -> {
                        g.writeStartObject();
                        g.writeStringField("replay_id", started.id().toString());
                        g.writeStringField("status", status(started));
                        g.writeStringField("started_at", Timestamps.format(started.startedAt()));
                        g.writeNumberField("total_events", started.totalEvents());
                        g.writeStringField("target", started.target().name().toLowerCase(Locale.ROOT));
                        g.writeStringField("name", started.name());
                        g.writeNumberField("from_position", started.fromPosition());
                        g.writeNumberField("target_position", started.targetPosition());
                        g.writeEndObject();
                    }));
        });
    }

    private static ReplayRequest request(Services services, byte[] bytes) throws IOException {
        String projection = null;
        String view = null;
        Long from = null;
        Instant since = null;
        try (JsonParser parser = services.json().parser(bytes, 0, bytes.length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the request body must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (name) {
                    case "projection_name" -> projection = Json.string(parser, value, name);
                    case "view_name" -> view = Json.string(parser, value, name);
                    case "from_position" -> {
                        if (!Json.isNonNegativeLong(parser, value)) {
                            throw ApiException.badRequest("'from_position' must be a non-negative integer, got "
                                    + parser.getText());
                        }
                        from = parser.getLongValue();
                    }
                    case "from_timestamp" -> since = Timestamps.parse(name, Json.string(parser, value, name));
                    default -> parser.skipChildren();
                }
            }
            Json.requireEnd(parser);
        }
        if ((projection == null) == (view == null)) {
            throw ApiException.badRequest("name exactly one of 'projection_name' and 'view_name': the projection or "
                    + "view to rebuild");
        }
        if (from != null && since != null) {
            throw ApiException.badRequest("give 'from_position' or 'from_timestamp', not both");
        }
        ReplayRequest request = projection != null ? ReplayRequest.projection(projection) : ReplayRequest.view(view);
        if (since != null) {
            return request.fromTime(since);
        }
        return from != null ? request.fromPosition(from) : request;
    }

    private static void list(Exchange exchange) {
        List<ReplayProgress> replays = exchange.services().store().replays().list();
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("replays");
            for (ReplayProgress replay : replays) {
                write(replay, g);
            }
            g.writeEndArray();
            g.writeNumberField("total", replays.size());
            g.writeEndObject();
        });
    }

    private static void progress(Exchange exchange) {
        UUID id = id(exchange);
        ReplayProgress replay = exchange.services().store().replays().get(id).orElseThrow(() -> notFound(id));
        exchange.json(200, g -> write(replay, g));
    }

    private static void cancel(Exchange exchange) {
        UUID id = id(exchange);
        Services services = exchange.services();
        // A replay that has ended is a StateConflictException: 409.
        exchange.answerWhenDone(services.offloop(() -> services.store().replays().cancel(id).orElseThrow(() -> notFound(id))),
                cancelled -> services.json().render(g -> {
                    g.writeStartObject();
                    g.writeStringField("replay_id", id.toString());
                    g.writeStringField("status", status(cancelled));
                    g.writeEndObject();
                }));
    }

    private static void delete(Exchange exchange) {
        UUID id = id(exchange);
        Services services = exchange.services();
        exchange.answerWhenDone(services.offloop(() -> {
            if (!services.store().replays().delete(id)) {
                throw notFound(id);
            }
            return id;
        }), deleted -> services.json().render(g -> {
            g.writeStartObject();
            g.writeStringField("replay_id", deleted.toString());
            g.writeBooleanField("deleted", true);
            g.writeEndObject();
        }));
    }

    private static UUID id(Exchange exchange) {
        return Uuids.parse("replay_id", exchange.pathParameter("replay_id"));
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("no replay with id " + id);
    }

    private static String status(ReplayProgress replay) {
        return replay.status().name().toLowerCase(Locale.ROOT);
    }

    /** AllSource's progress fields, then Peregrine's: what is rebuilt, from and to where, where it was swapped in. */
    private static void write(ReplayProgress r, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("replay_id", r.id().toString());
        g.writeStringField("status", status(r));
        g.writeStringField("started_at", Timestamps.format(r.startedAt()));
        g.writeStringField("updated_at", Timestamps.format(r.asOf()));
        if (r.completedAt().isPresent()) {
            g.writeStringField("completed_at", Timestamps.format(r.completedAt().get()));
        } else {
            g.writeNullField("completed_at");
        }
        g.writeNumberField("total_events", r.totalEvents());
        g.writeNumberField("processed_events", r.processedEvents());
        g.writeNumberField("failed_events", 0); // a failed entry ends the replay: there is never more than none
        g.writeNumberField("progress_percentage", r.progressPercentage());
        g.writeNumberField("events_per_second", r.eventsPerSecond());
        if (r.error().isPresent()) {
            g.writeStringField("error_message", r.error().get());
        } else {
            g.writeNullField("error_message");
        }
        g.writeStringField("target", r.target().name().toLowerCase(Locale.ROOT));
        g.writeStringField("name", r.name());
        g.writeNumberField("from_position", r.fromPosition());
        g.writeNumberField("target_position", r.targetPosition());
        g.writeNumberField("swapped_at_position", r.swappedAtPosition());
        g.writeEndObject();
    }
}
