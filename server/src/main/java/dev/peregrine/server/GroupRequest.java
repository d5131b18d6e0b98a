package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.store.subscription.ConsumerStrategy;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.StartPosition;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The body of a consumer-group create ({@code POST /api/v1/consumer-groups}) or update
 * ({@code PATCH /api/v1/consumer-groups/{name}}): the group's name and filter (create only) and its
 * settings, each optional, a field left out keeping its default or current value. Every wrong field
 * is a 400 naming it.
 *
 * <pre>{@code
 * {"name": "billing", "entity_id": "order-1", "event_types": ["order.placed"], "start": "end",
 *  "max_attempts": 5, "ack_timeout_ms": 30000, "max_in_flight": 1024, "strategy": "round_robin",
 *  "max_members": 0}
 * }</pre>
 */
final class GroupRequest {
    static final int MAX_ATTEMPTS = 10_000;
    static final long MAX_ACK_TIMEOUT_MS = Duration.ofDays(1).toMillis();
    static final int MAX_IN_FLIGHT = 65_536;
    static final int MAX_MEMBERS = 10_000;

    private static final String FIELDS = "name, entity_id, event_types, tenant_id, start, max_attempts, ack_timeout_ms,"
            + " max_in_flight, strategy, max_members";

    private String name;
    private String entityId;
    private List<String> eventTypes = List.of();
    private String tenantId;
    private StartPosition start;
    private Integer maxAttempts;
    private Long ackTimeoutMs;
    private Integer maxInFlight;
    private ConsumerStrategy strategy;
    private Integer maxMembers;
    /** The first filter field the body named, for an update's refusal. */
    private String filterField;

    private GroupRequest() {
    }

    /**
     * @param services the request parser and limits
     * @param body the request body
     * @return its fields
     * @throws ApiException 400 for malformed JSON, an unknown field or a wrong value
     */
    static GroupRequest parse(Services services, byte[] body) throws IOException {
        GroupRequest request = new GroupRequest();
        try (JsonParser parser = services.json().parser(body, 0, body.length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the request body must be a JSON object such as"
                        + " {\"name\":\"billing\",\"start\":\"end\"}");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                request.read(services, parser, field, value);
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw ApiException.badRequest("unexpected content after the JSON object: "
                        + EventRequestParser.describe(trailing));
            }
        }
        return request;
    }

    private void read(Services services, JsonParser parser, String field, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        EventRequestParser ids = services.parser();
        switch (field) {
            case "name" -> name = ids.id(parser, value, "name");
            case "entity_id" -> entityId = filter(field, ids.id(parser, value, "entity_id"));
            case "tenant_id" -> tenantId = filter(field, ids.id(parser, value, "tenant_id"));
            case "event_types" -> {
                if (value != JsonToken.START_ARRAY) {
                    throw ApiException.badRequest("'event_types' must be an array of strings, got "
                            + EventRequestParser.describe(value));
                }
                List<String> types = new ArrayList<>();
                for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                    types.add(ids.id(parser, item, "event_types[" + types.size() + "]"));
                }
                eventTypes = filter(field, List.copyOf(types));
            }
            case "start" -> start = start(parser, value);
            case "max_attempts" -> maxAttempts = (int) integer(parser, value, field, 1, MAX_ATTEMPTS);
            case "ack_timeout_ms" -> ackTimeoutMs = integer(parser, value, field, 1, MAX_ACK_TIMEOUT_MS);
            case "max_in_flight" -> maxInFlight = (int) integer(parser, value, field, 1, MAX_IN_FLIGHT);
            case "max_members" -> maxMembers = (int) integer(parser, value, field, 0, MAX_MEMBERS);
            case "strategy" -> strategy = strategy(parser, value);
            default -> throw ApiException.badRequest("unknown field '" + field + "': expected " + FIELDS);
        }
    }

    private <T> T filter(String field, T value) {
        if (filterField == null) {
            filterField = field;
        }
        return value;
    }

    /** The name of a new group. @throws ApiException 400 when the body has none */
    String name() {
        if (name == null) {
            throw ApiException.badRequest("missing field 'name': the consumer group's name, 1 to 128 characters"
                    + " of [A-Za-z0-9_.-] starting with a letter or digit");
        }
        return name;
    }

    /** The options of a new group: the defaults, with the filter scoped to the request's tenant. */
    GroupOptions newOptions(TenantScope scope) {
        return settings(GroupOptions.DEFAULTS.withFilter(scope.scopedFilter(Optional.ofNullable(entityId), eventTypes,
                Optional.ofNullable(tenantId))));
    }

    /**
     * The options after an update.
     *
     * @throws ApiException 400 when the body names a part of the filter, or the name
     */
    GroupOptions updated(GroupOptions current) {
        if (filterField != null) {
            throw ApiException.badRequest("'" + filterField + "' cannot change: a consumer group's filter is fixed"
                    + " when it is created (delete and create the group to change it)");
        }
        if (name != null) {
            throw ApiException.badRequest("'name' cannot change: the group is named by the path");
        }
        return settings(current);
    }

    private GroupOptions settings(GroupOptions base) {
        GroupOptions o = base;
        if (start != null) {
            o = o.withStart(start);
        }
        if (maxAttempts != null) {
            o = o.withMaxAttempts(maxAttempts);
        }
        if (ackTimeoutMs != null) {
            o = o.withAckTimeout(Duration.ofMillis(ackTimeoutMs));
        }
        if (maxInFlight != null) {
            o = o.withMaxInFlight(maxInFlight);
        }
        if (strategy != null) {
            o = o.withStrategy(strategy);
        }
        if (maxMembers != null) {
            o = o.withMaxMembers(maxMembers);
        }
        return o;
    }

    /** {@code "start"} (position 1), {@code "end"} (after the log's end at creation) or a position of at least 1. */
    private static StartPosition start(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return switch (parser.getText()) {
                case "start" -> StartPosition.at(1);
                case "end" -> StartPosition.now();
                default -> throw ApiException.badRequest("'start' must be \"start\", \"end\" or a log position,"
                        + " got \"" + parser.getText() + "\"");
            };
        }
        return StartPosition.at(integer(parser, value, "start", 1, Long.MAX_VALUE));
    }

    private static ConsumerStrategy strategy(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            for (ConsumerStrategy s : ConsumerStrategy.values()) {
                if (label(s).equals(parser.getText())) {
                    return s;
                }
            }
        }
        throw ApiException.badRequest("'strategy' must be \"round_robin\", \"dispatch_to_single\" or \"pinned\", got "
                + (value == JsonToken.VALUE_STRING ? "\"" + parser.getText() + "\"" : EventRequestParser.describe(value)));
    }

    /** A strategy as the API writes it: {@code round_robin}, {@code dispatch_to_single}, {@code pinned}. */
    static String label(ConsumerStrategy strategy) {
        return strategy.name().toLowerCase(Locale.ROOT);
    }

    private static long integer(JsonParser parser, JsonToken value, String field, long min, long max) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw ApiException.badRequest("'" + field + "' must be an integer, got " + EventRequestParser.describe(value));
        }
        JsonParser.NumberType type = parser.getNumberType();
        long n = type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG ? parser.getLongValue()
                : Long.MAX_VALUE;
        if (type == JsonParser.NumberType.BIG_INTEGER || n < min || n > max) {
            throw ApiException.badRequest("'" + field + "' must be between " + min + " and " + max + ", got "
                    + parser.getText());
        }
        return n;
    }
}
