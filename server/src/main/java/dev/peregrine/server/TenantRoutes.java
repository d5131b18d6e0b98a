package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.server.tenant.Tenant;
import dev.peregrine.server.tenant.TenantDeletion;
import dev.peregrine.server.tenant.TenantUsage;
import dev.peregrine.server.tenant.Tenants;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The admin API for tenants (role {@code admin}; see docs/security.md): create with quotas
 * ({@code POST /api/v1/tenants}), list with what each holds ({@code GET /api/v1/tenants}), read one
 * ({@code GET /api/v1/tenants/{name}}), change quotas ({@code PATCH}), deactivate and activate
 * ({@code POST .../deactivate}, {@code .../activate}), and delete with every event
 * ({@code DELETE /api/v1/tenants/{name}?with_data=true}, answered 202 while it runs). Changes write
 * the tenant file with an fsync, so they run on a worker.
 */
final class TenantRoutes {
    private TenantRoutes() {
    }

    static void register(Router router) {
        router.add("POST", "/api/v1/tenants", TenantRoutes::create);
        router.add("GET", "/api/v1/tenants", TenantRoutes::list);
        router.add("GET", "/api/v1/tenants/{name}", TenantRoutes::get);
        router.add("PATCH", "/api/v1/tenants/{name}", TenantRoutes::setQuotas);
        router.add("POST", "/api/v1/tenants/{name}/deactivate", e -> setState(e, Tenant.State.DEACTIVATED));
        router.add("POST", "/api/v1/tenants/{name}/activate", e -> setState(e, Tenant.State.ACTIVE));
        router.add("DELETE", "/api/v1/tenants/{name}", TenantRoutes::delete);
    }

    /** The fields of a create or quota request; {@code null} where absent. */
    private record Fields(String name, Long maxBytes, Long maxEntities, Long maxFieldNames) {
        /** These quotas, {@code fallback}'s where absent. */
        Tenants.Quotas over(Tenants.Quotas fallback) {
            return new Tenants.Quotas(maxBytes != null ? maxBytes : fallback.maxBytes(),
                    maxEntities != null ? maxEntities : fallback.maxEntities(),
                    maxFieldNames != null ? maxFieldNames : fallback.maxFieldNames());
        }
    }

    private static void create(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        BodyReader.readThen(exchange, body -> {
            Fields fields = parse(services, body, true);
            if (fields.name() == null) {
                throw ApiException.badRequest("missing field 'name'");
            }
            change(exchange, 201, () -> tenants(services).registry().create(fields.name(),
                    fields.over(Tenants.Quotas.NONE)));
        });
    }

    private static void setQuotas(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        String name = exchange.pathParameter("name");
        BodyReader.readThen(exchange, body -> {
            Fields fields = parse(services, body, false);
            change(exchange, 200, () -> tenants(services).registry().setQuotas(name,
                    fields.over(tenants(services).quotas(name))));
        });
    }

    private static void setState(Exchange exchange, Tenant.State state) {
        String name = exchange.pathParameter("name");
        change(exchange, 200, () -> tenants(exchange.services()).registry().setState(name, state));
    }

    private static void delete(Exchange exchange) {
        Services services = exchange.services();
        String name = exchange.pathParameter("name");
        if (!QueryParameters.of(exchange.request()).string("with_data").orElse("").equals("true")) {
            throw ApiException.badRequest("deleting a tenant tombstones every one of its entities and revokes its"
                    + " keys: confirm with ?with_data=true");
        }
        exchange.answerWhenDone(services.offloop(() -> {
            try {
                dev.peregrine.server.auth.ApiKey.checkTenant(name);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            if (!known(tenants(services), name)) {
                throw ApiException.notFound("no tenant '" + name + "'");
            }
            services.deletions().start(name);
            return name;
        }), started -> 202, started -> render(services, started));
    }

    private static void list(Exchange exchange) {
        Services services = exchange.services();
        Tenants tenants = tenants(services);
        Set<String> names = new LinkedHashSet<>();
        tenants.registry().list().forEach(t -> names.add(t.name()));
        tenants.usage().all().forEach(e -> names.add(e.getKey()));
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("tenants");
            for (String name : names.stream().sorted().toList()) {
                write(services, name, g);
            }
            g.writeEndArray();
            g.writeNumberField("count", names.size());
            g.writeEndObject();
        });
    }

    private static void get(Exchange exchange) {
        Services services = exchange.services();
        String name = exchange.pathParameter("name");
        Tenants tenants = tenants(services);
        if (!known(tenants, name)) {
            throw ApiException.notFound("no tenant '" + name + "'");
        }
        exchange.json(200, render(services, name));
    }

    /** Runs a registry change on a worker and answers with the tenant as it is after it. */
    private static void change(Exchange exchange, int status, Callable<Tenant> change) {
        Services services = exchange.services();
        exchange.answerWhenDone(services.offloop(() -> {
            try {
                return change.call().name();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            } catch (NoSuchElementException e) {
                throw ApiException.notFound(e.getMessage());
            } catch (IllegalStateException e) {
                throw new ApiException(409, e.getMessage());
            }
        }), name -> status, name -> render(services, name));
    }

    private static io.vertx.core.buffer.Buffer render(Services services, String name) {
        return services.json().render(g -> write(services, name, g));
    }

    /**
     * {@code name, state, created_at (null when implicit), max_bytes, max_entities, max_field_names
     * (0 = none), events, bytes, entities, field_names}, and {@code deletion} while one runs.
     */
    private static void write(Services services, String name, JsonGenerator g) throws IOException {
        Tenants tenants = tenants(services);
        Optional<Tenant> tenant = tenants.registry().find(name);
        Tenants.Quotas quotas = tenants.quotas(name);
        TenantUsage.Held held = tenants.usage().held(name);
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("state", tenant.map(t -> t.state().label()).orElse(Tenant.State.ACTIVE.label()));
        g.writeFieldName("created_at");
        if (tenant.isPresent()) {
            g.writeString(Timestamps.format(tenant.get().created()));
        } else {
            g.writeNull();
        }
        g.writeNumberField("max_bytes", quotas.maxBytes());
        g.writeNumberField("max_entities", quotas.maxEntities());
        g.writeNumberField("max_field_names", quotas.maxFieldNames());
        g.writeNumberField("events", held.events());
        g.writeNumberField("bytes", held.bytes());
        g.writeNumberField("entities", held.entities());
        g.writeNumberField("field_names", held.fieldNames());
        Optional<TenantDeletion.Progress> deletion = services.deletions().progress(name);
        if (deletion.isPresent()) {
            TenantDeletion.Progress progress = deletion.get();
            g.writeObjectFieldStart("deletion");
            g.writeNumberField("scanned_through", progress.scannedThrough());
            g.writeNumberField("last_position", progress.lastPosition());
            g.writeNumberField("entities_deleted", progress.entitiesDeleted());
            g.writeFieldName("failure");
            if (progress.failure().isPresent()) {
                g.writeString("the deletion stopped and is resumed at the next start; see the server log");
            } else {
                g.writeNull();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** Whether {@code name} was created or holds events. */
    private static boolean known(Tenants tenants, String name) {
        return tenants.registry().find(name).isPresent() || tenants.usage().held(name).events() > 0;
    }

    private static Tenants tenants(Services services) {
        return services.security().tenants();
    }

    /**
     * {@code {"name": "acme", "max_bytes": 1000000, "max_entities": 1000, "max_field_names": 500}};
     * {@code name} only on create.
     */
    private static Fields parse(Services services, byte[] body, boolean withName) throws IOException {
        String example = withName ? "{\"name\":\"acme\",\"max_bytes\":1000000000,\"max_entities\":100000}"
                : "{\"max_bytes\":1000000000,\"max_entities\":100000}";
        try (JsonParser parser = services.json().parser(body, 0, body.length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the request body must be a JSON object such as " + example);
            }
            String name = null;
            Long maxBytes = null;
            Long maxEntities = null;
            Long maxFieldNames = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "name" -> {
                        if (!withName) {
                            throw ApiException.badRequest("a tenant's name cannot change: leave 'name' out");
                        }
                        name = Json.string(parser, value, field);
                    }
                    case "max_bytes" -> maxBytes = quota(parser, value, field);
                    case "max_entities" -> maxEntities = quota(parser, value, field);
                    case "max_field_names" -> maxFieldNames = quota(parser, value, field);
                    default -> throw ApiException.badRequest("unknown field '" + field + "': expected "
                            + (withName ? "name, " : "") + "max_bytes, max_entities, max_field_names");
                }
            }
            return new Fields(name, maxBytes, maxEntities, maxFieldNames);
        }
    }

    private static long quota(JsonParser parser, JsonToken value, String field) throws IOException {
        if (!Json.isNonNegativeLong(parser, value)) {
            throw ApiException.badRequest("'" + field + "' must be a whole number ≥ 0 (0 for no limit), got "
                    + (value == JsonToken.VALUE_NUMBER_INT ? parser.getText() : EventRequestParser.describe(value)));
        }
        return parser.getLongValue();
    }
}
