package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.server.auth.ApiKey;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The admin API for API keys (role {@code admin}): create ({@code POST /api/v1/admin/keys}, the
 * only answer that ever shows a key), list without secrets ({@code GET /api/v1/admin/keys}) and
 * revoke ({@code DELETE /api/v1/admin/keys/{id}}, effective for the next request). Changes write
 * the credential file with an fsync, so they run on a worker.
 */
final class KeyRoutes {
    private KeyRoutes() {
    }

    static void register(Router router) {
        router.add("POST", "/api/v1/admin/keys", KeyRoutes::create);
        router.add("GET", "/api/v1/admin/keys", KeyRoutes::list);
        router.add("DELETE", "/api/v1/admin/keys/{id}", KeyRoutes::revoke);
    }

    /** The fields of a create request. */
    private record NewKey(String name, Role role, String tenant, Instant expires) {
    }

    private static void create(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        BodyReader.readThen(exchange, body -> {
            NewKey request = parse(services, body);
            String refusal = request.tenant() == null ? null
                    : services.security().tenants().registry().refusal(request.tenant());
            if (refusal != null) {
                throw new ApiException(409, refusal + ": activate it before making keys for it");
            }
            exchange.answerWhenDone(services.offloop(() -> {
                try {
                    return keys(services).create(request.name(), request.role(), request.tenant(), request.expires());
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest(e.getMessage());
                }
            }), created -> services.json().render(g -> {
                g.writeStartObject();
                g.writeStringField("key", created.key());
                writeFields(created.entry(), g);
                g.writeEndObject();
            }));
        });
    }

    private static void list(Exchange exchange) {
        List<ApiKey> keys = keys(exchange.services()).list();
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("keys");
            for (ApiKey key : keys) {
                g.writeStartObject();
                writeFields(key, g);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("count", keys.size());
            g.writeEndObject();
        });
    }

    private static void revoke(Exchange exchange) {
        Services services = exchange.services();
        String id = exchange.pathParameter("id");
        exchange.answerWhenDone(services.offloop(() -> {
            if (!keys(services).revoke(id)) {
                throw ApiException.notFound("no API key with id '" + id + "'");
            }
            return id;
        }), revoked -> services.json().render(g -> {
            g.writeStartObject();
            g.writeStringField("id", revoked);
            g.writeBooleanField("revoked", true);
            g.writeEndObject();
        }));
    }

    private static KeyRing keys(Services services) {
        return services.security().keys();
    }

    /** {@code id, name, role, tenant (null = every tenant), created_at, expires_at (null = never)}. */
    static void writeFields(ApiKey key, JsonGenerator g) throws IOException {
        g.writeStringField("id", key.id());
        g.writeStringField("name", key.name());
        g.writeStringField("role", key.role().label());
        g.writeFieldName("tenant");
        if (key.tenant() != null) {
            g.writeString(key.tenant());
        } else {
            g.writeNull();
        }
        g.writeStringField("created_at", Timestamps.format(key.created()));
        g.writeFieldName("expires_at");
        if (key.expires() != null) {
            g.writeString(Timestamps.format(key.expires()));
        } else {
            g.writeNull();
        }
    }

    /** {@code {"role": "writer", "tenant": "acme", "name": "ci", "expires_at": "2027-01-01T00:00:00Z"}}. */
    private static NewKey parse(Services services, byte[] body) throws IOException {
        try (JsonParser parser = services.json().parser(body, 0, body.length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the request body must be a JSON object such as"
                        + " {\"role\":\"writer\",\"tenant\":\"acme\",\"name\":\"ci\"}");
            }
            String name = "";
            Role role = null;
            String tenant = null;
            Instant expires = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    continue;
                }
                if (value != JsonToken.VALUE_STRING) {
                    throw ApiException.badRequest("'" + field + "' must be a string, got "
                            + EventRequestParser.describe(value));
                }
                String text = parser.getText();
                switch (field) {
                    case "name" -> name = text;
                    case "role" -> {
                        try {
                            role = Role.parse(text);
                        } catch (IllegalArgumentException e) {
                            throw ApiException.badRequest(e.getMessage());
                        }
                    }
                    case "tenant", "tenant_id" -> tenant = text;
                    case "expires_at" -> expires = Timestamps.parse("expires_at", text);
                    default -> throw ApiException.badRequest("unknown field '" + field
                            + "': expected name, role, tenant, expires_at");
                }
            }
            if (role == null) {
                throw ApiException.badRequest("missing field 'role' (admin, writer or reader)");
            }
            return new NewKey(name, role, tenant, expires);
        }
    }
}
