package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.GroupInfo;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.ParkedEvent;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.subscription.Subscriptions;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Consumer groups over HTTP, for operating them: list with their info ({@code GET
 * /api/v1/consumer-groups}), read one ({@code GET …/{name}}), create ({@code POST
 * /api/v1/consumer-groups}), change settings ({@code PATCH …/{name}}), delete with its state
 * ({@code DELETE …/{name}}), list parked events ({@code GET …/{name}/parked}) and replay them
 * ({@code POST …/{name}/parked/replay}). Consuming (join, poll, ack) is for embedded use and the
 * gRPC face: a delivery lives as long as its member's connection. A tenant-bound credential sees
 * and changes only its tenant's groups ({@link TenantScope}). Group operations may read or force a
 * state file, so they run on a worker.
 */
final class ConsumerGroupRoutes {
    private static final String BASE = "/api/v1/consumer-groups";
    private static final int DEFAULT_PARKED_PAGE = 100;

    private ConsumerGroupRoutes() {
    }

    static void register(Router router) {
        router.add("GET", BASE, ConsumerGroupRoutes::list);
        router.add("POST", BASE, ConsumerGroupRoutes::create);
        router.add("GET", BASE + "/{name}", ConsumerGroupRoutes::read);
        router.add("PATCH", BASE + "/{name}", ConsumerGroupRoutes::update);
        router.add("DELETE", BASE + "/{name}", ConsumerGroupRoutes::delete);
        router.add("GET", BASE + "/{name}/parked", ConsumerGroupRoutes::parked);
        router.add("POST", BASE + "/{name}/parked/replay", ConsumerGroupRoutes::replay);
    }

    private static void list(Exchange exchange) {
        Services services = exchange.services();
        TenantScope scope = exchange.scope();
        exchange.answerWhenDone(services.offloop(() -> {
            Subscriptions subscriptions = services.store().subscriptions();
            List<GroupInfo> infos = new ArrayList<>();
            for (String stored : subscriptions.groupNames()) {
                if (scope.seesName(stored)) {
                    // Deleted between the listing and the opening: not listed.
                    subscriptions.findGroup(stored).ifPresent(group -> infos.add(group.info()));
                }
            }
            return infos;
        }), infos -> services.json().render(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("groups");
            for (GroupInfo info : infos) {
                describe(info, scope, g);
            }
            g.writeEndArray();
            g.writeNumberField("count", infos.size());
            g.writeEndObject();
        }));
    }

    private static void create(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        TenantScope scope = exchange.scope();
        BodyReader.readThen(exchange, body -> {
            GroupRequest request = GroupRequest.parse(services, body);
            String stored = scope.storedName(request.name());
            GroupOptions options = request.newOptions(scope);
            // An existing name is a StateConflictException (409), a start past the log's end an
            // InvalidEventException (400): StoreErrors answers both.
            exchange.answerWhenDone(services.offloop(() -> services.store().subscriptions().createGroup(stored, options)
                    .info()), info -> services.json().render(g -> describe(info, scope, g)));
        });
    }

    private static void read(Exchange exchange) {
        Services services = exchange.services();
        TenantScope scope = exchange.scope();
        String name = exchange.pathParameter("name");
        exchange.answerWhenDone(services.offloop(() -> group(services, scope, name).info()),
                info -> services.json().render(g -> describe(info, scope, g)));
    }

    private static void update(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        TenantScope scope = exchange.scope();
        String name = exchange.pathParameter("name");
        BodyReader.readThen(exchange, body -> {
            GroupRequest request = GroupRequest.parse(services, body);
            exchange.answerWhenDone(services.offloop(() -> {
                ConsumerGroup group = group(services, scope, name);
                group.update(request.updated(group.options()));
                return group.info();
            }), info -> services.json().render(g -> describe(info, scope, g)));
        });
    }

    private static void delete(Exchange exchange) {
        Services services = exchange.services();
        String name = exchange.pathParameter("name");
        String stored = exchange.scope().storedName(name);
        exchange.answerWhenDone(services.offloop(() -> {
            if (!services.store().subscriptions().deleteGroup(stored)) {
                throw notFound(name);
            }
            return name;
        }), deleted -> services.json().render(g -> {
            g.writeStartObject();
            g.writeStringField("name", deleted);
            g.writeBooleanField("deleted", true);
            g.writeEndObject();
        }));
    }

    /** A page of parked events by position: {@code after_position} (exclusive) and {@code limit}. */
    private static void parked(Exchange exchange) {
        Services services = exchange.services();
        TenantScope scope = exchange.scope();
        String name = exchange.pathParameter("name");
        QueryParameters query = QueryParameters.of(exchange.request());
        long after = query.integer("after_position", 0, Long.MAX_VALUE).orElse(0);
        int limit = (int) query.integer("limit", 1, services.limits().maxQueryLimit()).orElse(DEFAULT_PARKED_PAGE);
        exchange.answerWhenDone(services.offloop(() -> group(services, scope, name).parked()), all -> {
            List<ParkedEvent> later = all.stream().filter(p -> p.position() > after).toList();
            List<ParkedEvent> page = later.subList(0, Math.min(limit, later.size()));
            boolean more = later.size() > page.size();
            return services.json().render(g -> {
                g.writeStartObject();
                g.writeStringField("group", name);
                g.writeArrayFieldStart("parked");
                for (ParkedEvent p : page) {
                    g.writeStartObject();
                    g.writeNumberField("position", p.position());
                    g.writeStringField("entity_id", scope.shownEntityId(p.entityId()));
                    g.writeStringField("event_type", p.eventType());
                    g.writeNumberField("attempts", p.attempts());
                    g.writeStringField("reason", p.reason());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeNumberField("count", page.size());
                g.writeNumberField("total", all.size());
                g.writeFieldName("next_after_position");
                if (more) {
                    g.writeNumber(page.getLast().position());
                } else {
                    g.writeNull();
                }
                g.writeEndObject();
            });
        });
    }

    /**
     * Puts parked events back for delivery: every one, the oldest {@code limit}, or the one at
     * {@code position}. They stay parked until a member acknowledges them.
     */
    private static void replay(Exchange exchange) {
        Services services = exchange.services();
        TenantScope scope = exchange.scope();
        String name = exchange.pathParameter("name");
        QueryParameters query = QueryParameters.of(exchange.request());
        OptionalLong limit = query.integer("limit", 1, Integer.MAX_VALUE);
        OptionalLong position = query.integer("position", 1, Long.MAX_VALUE);
        if (limit.isPresent() && position.isPresent()) {
            throw ApiException.badRequest("give either 'limit' (replay the oldest parked events) or 'position'"
                    + " (replay one), not both");
        }
        exchange.answerWhenDone(services.offloop(() -> {
            ConsumerGroup group = group(services, scope, name);
            if (position.isPresent()) {
                if (!group.replayParked(position.getAsLong())) {
                    throw ApiException.notFound("no parked event at position " + position.getAsLong() + " in consumer"
                            + " group '" + name + "' (or it is being replayed already)");
                }
                return 1;
            }
            return group.replayOldestParked((int) limit.orElse(Integer.MAX_VALUE));
        }), replayed -> services.json().render(g -> {
            g.writeStartObject();
            g.writeStringField("group", name);
            g.writeNumberField("replayed", replayed);
            g.writeEndObject();
        }));
    }

    private static ConsumerGroup group(Services services, TenantScope scope, String name) {
        return services.store().subscriptions().findGroup(scope.storedName(name)).orElseThrow(() -> notFound(name));
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("no consumer group named '" + name + "'");
    }

    /**
     * {@code {"name", "filter": {...}, "settings": {...}, "members": [...], "in_flight", "waiting",
     * "parked", "replaying", "checkpoint", "head_position", "lag", "delivered", "acked", "nacked",
     * "timed_out"}}.
     */
    private static void writeStrings(JsonGenerator g, String field, java.util.Set<String> strings) throws IOException {
        if (!strings.isEmpty()) {
            g.writeArrayFieldStart(field);
            for (String s : strings) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
    }

    private static void describe(GroupInfo info, TenantScope scope, JsonGenerator g) throws IOException {
        GroupOptions o = info.options();
        g.writeStartObject();
        g.writeStringField("name", scope.shownName(info.name()));
        SubscriptionFilter f = o.filter();
        g.writeObjectFieldStart("filter");
        g.writeStringField("entity_id", f.entityId().map(scope::shownEntityId).orElse(null));
        g.writeArrayFieldStart("event_types");
        for (String type : f.eventTypes()) {
            g.writeString(type);
        }
        g.writeEndArray();
        g.writeStringField("tenant_id", f.tenantId().orElse(null));
        // Only groups made by KurrentDB's gRPC protocol (default tenant) have these: shown when set.
        writeStrings(g, "event_type_prefixes", f.eventTypePrefixes());
        if (f.eventTypePattern().isPresent()) {
            g.writeStringField("event_type_regex", f.eventTypePattern().get());
        }
        writeStrings(g, "entity_id_prefixes", f.entityIdPrefixes());
        if (f.entityIdPattern().isPresent()) {
            g.writeStringField("entity_id_regex", f.entityIdPattern().get());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("settings");
        g.writeFieldName("start");
        switch (o.start()) {
            case StartPosition.At at -> g.writeNumber(at.position());
            case StartPosition.Now now -> g.writeString("end");
        }
        g.writeNumberField("max_attempts", o.maxAttempts());
        g.writeNumberField("ack_timeout_ms", o.ackTimeout().toMillis());
        g.writeNumberField("max_in_flight", o.maxInFlight());
        g.writeStringField("strategy", GroupRequest.label(o.strategy()));
        g.writeNumberField("max_members", o.maxMembers());
        g.writeEndObject();
        g.writeArrayFieldStart("members");
        for (GroupInfo.MemberInfo m : info.members()) {
            g.writeStartObject();
            g.writeStringField("id", m.id());
            g.writeStringField("joined_at", Timestamps.format(Instant.ofEpochMilli(m.joinedAtMillis())));
            g.writeNumberField("max_in_flight", m.maxInFlight());
            g.writeNumberField("in_flight", m.inFlight());
            g.writeNumberField("delivered", m.delivered());
            g.writeNumberField("acked", m.acked());
            g.writeNumberField("nacked", m.nacked());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("in_flight", info.inFlight());
        g.writeNumberField("waiting", info.waiting());
        g.writeNumberField("parked", info.parked());
        g.writeNumberField("replaying", info.replaying());
        g.writeNumberField("checkpoint", info.checkpoint());
        g.writeNumberField("head_position", info.headPosition());
        g.writeNumberField("lag", info.lag());
        g.writeNumberField("delivered", info.delivered());
        g.writeNumberField("acked", info.acked());
        g.writeNumberField("nacked", info.nacked());
        g.writeNumberField("timed_out", info.timedOut());
        g.writeEndObject();
    }
}
