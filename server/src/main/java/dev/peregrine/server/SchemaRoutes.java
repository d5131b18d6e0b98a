package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.schema.CompatibilityMode;
import dev.peregrine.schema.SchemaRegistry;
import dev.peregrine.schema.SchemaVersion;
import dev.peregrine.schema.SubjectInfo;
import dev.peregrine.schema.ValidationResult;
import dev.peregrine.schema.Violation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The schema registry, with AllSource's routes and shapes: register a version
 * ({@code POST /api/v1/schemas}), list subjects ({@code GET /api/v1/schemas}), get a version
 * ({@code GET /api/v1/schemas/{subject}[?version=N]}), list versions
 * ({@code GET /api/v1/schemas/{subject}/versions}), validate a payload
 * ({@code POST /api/v1/schemas/validate}), set the compatibility mode
 * ({@code PUT /api/v1/schemas/{subject}/compatibility}); and Peregrine's switch for enforcement on
 * append ({@code PUT /api/v1/schemas/{subject}/enforcement}). Subjects are global, not per tenant:
 * an event type means the same to every tenant (docs/security.md). Changes are forced to disk, so
 * they run on a worker.
 */
final class SchemaRoutes {
    private SchemaRoutes() {
    }

    static void register(Router router) {
        router.add("POST", "/api/v1/schemas", SchemaRoutes::register);
        router.add("GET", "/api/v1/schemas", SchemaRoutes::subjects);
        router.add("POST", "/api/v1/schemas/validate", SchemaRoutes::validate);
        router.add("GET", "/api/v1/schemas/{subject}", SchemaRoutes::get);
        router.add("GET", "/api/v1/schemas/{subject}/versions", SchemaRoutes::versions);
        router.add("PUT", "/api/v1/schemas/{subject}/compatibility", SchemaRoutes::compatibility);
        router.add("PUT", "/api/v1/schemas/{subject}/enforcement", SchemaRoutes::enforcement);
    }

    /** The fields of a request body, each read as its route needs it. */
    private static final class Body {
        String subject;
        String schema;
        String payload;
        String description;
        List<String> tags = List.of();
        String compatibility;
        Boolean enforce;
        OptionalInt version = OptionalInt.empty();
    }

    /** Reads a JSON object body; unknown fields are skipped, known ones must have their type. */
    private static Body body(Services services, byte[] bytes) throws IOException {
        Body body = new Body();
        try (JsonParser parser = services.json().parser(bytes, 0, bytes.length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the request body must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "subject" -> body.subject = Json.string(parser, value, name);
                    case "schema" -> {
                        if (value != JsonToken.START_OBJECT && value != JsonToken.VALUE_TRUE
                                && value != JsonToken.VALUE_FALSE) {
                            throw ApiException.badRequest("'schema' must be a JSON Schema (an object or a boolean), got "
                                    + EventRequestParser.describe(value));
                        }
                        body.schema = services.json().copyValue(parser);
                    }
                    case "payload" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw ApiException.badRequest("'payload' must be a JSON object, got "
                                    + EventRequestParser.describe(value));
                        }
                        body.payload = services.json().copyValue(parser);
                    }
                    case "description" -> body.description = value == JsonToken.VALUE_NULL ? null
                            : Json.string(parser, value, name);
                    case "tags" -> body.tags = tags(parser, value);
                    case "compatibility" -> body.compatibility = Json.string(parser, value, name);
                    case "enforce" -> {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                            throw ApiException.badRequest("'enforce' must be true or false, got "
                                    + EventRequestParser.describe(value));
                        }
                        body.enforce = value == JsonToken.VALUE_TRUE;
                    }
                    case "version" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                                    || parser.getIntValue() < 1) {
                                throw ApiException.badRequest("'version' must be a positive integer, got "
                                        + parser.getText());
                            }
                            body.version = OptionalInt.of(parser.getIntValue());
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            Json.requireEnd(parser);
        }
        return body;
    }

    private static List<String> tags(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (value != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("'tags' must be an array of strings, got " + EventRequestParser.describe(value));
        }
        List<String> tags = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            tags.add(Json.string(parser, token, "tags[" + tags.size() + "]"));
        }
        return tags;
    }

    private static String required(String value, String name) {
        if (value == null) {
            throw ApiException.badRequest("missing field '" + name + "'");
        }
        return value;
    }

    /**
     * {@code {"subject","schema",["description"],["tags"],["compatibility"],["enforce"]}}: the mode is
     * set before the version is checked against it; enforcement after it is registered.
     */
    private static void register(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        BodyReader.readThen(exchange, bytes -> {
            Body body = body(services, bytes);
            String subject = required(body.subject, "subject");
            String schema = required(body.schema, "schema");
            Optional<CompatibilityMode> mode = Optional.ofNullable(body.compatibility).map(CompatibilityMode::parse);
            SchemaRegistry registry = services.schemas();
            exchange.answerWhenDone(services.offloop(() -> {
                mode.ifPresent(m -> registry.setCompatibility(subject, m));
                SchemaVersion version = registry.register(subject, schema, Optional.ofNullable(body.description),
                        body.tags);
                if (body.enforce != null) {
                    registry.setEnforced(subject, body.enforce);
                }
                return version;
            }), version -> services.json().render(g -> {
                SubjectInfo info = registry.subject(subject);
                g.writeStartObject();
                g.writeStringField("schema_id", version.id().toString());
                g.writeStringField("subject", version.subject());
                g.writeNumberField("version", version.version());
                g.writeStringField("created_at", Timestamps.format(version.createdAt()));
                g.writeStringField("compatibility", info.compatibility().name());
                g.writeBooleanField("enforced", info.enforced());
                g.writeEndObject();
            }));
        });
    }

    private static void subjects(Exchange exchange) {
        List<SubjectInfo> subjects = exchange.services().schemas().subjects();
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("subjects");
            for (SubjectInfo subject : subjects) {
                g.writeString(subject.subject());
            }
            g.writeEndArray();
            g.writeNumberField("total", subjects.size());
            // Peregrine's addition: each subject's settings, so one call shows what is enforced.
            g.writeArrayFieldStart("details");
            for (SubjectInfo subject : subjects) {
                writeInfo(subject, g);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void get(Exchange exchange) {
        String subject = exchange.pathParameter("subject");
        OptionalLong version = QueryParameters.of(exchange.request()).integer("version", 1, Integer.MAX_VALUE);
        SchemaRegistry registry = exchange.services().schemas();
        SchemaVersion v = registry.get(subject, version.isPresent() ? OptionalInt.of((int) version.getAsLong())
                : OptionalInt.empty());
        SubjectInfo info = registry.subject(subject);
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("id", v.id().toString());
            g.writeStringField("subject", v.subject());
            g.writeNumberField("version", v.version());
            g.writeFieldName("schema");
            g.writeRawValue(v.schema());
            g.writeStringField("created_at", Timestamps.format(v.createdAt()));
            if (v.description().isPresent()) {
                g.writeStringField("description", v.description().get());
            } else {
                g.writeNullField("description");
            }
            g.writeArrayFieldStart("tags");
            for (String tag : v.tags()) {
                g.writeString(tag);
            }
            g.writeEndArray();
            g.writeNumberField("latest_version", info.latestVersion());
            g.writeStringField("compatibility", info.compatibility().name());
            g.writeBooleanField("enforced", info.enforced());
            g.writeEndObject();
        });
    }

    private static void versions(Exchange exchange) {
        String subject = exchange.pathParameter("subject");
        List<SchemaVersion> versions = exchange.services().schemas().versions(subject);
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("subject", subject);
            g.writeArrayFieldStart("versions");
            for (SchemaVersion v : versions) {
                g.writeNumber(v.version());
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code {"subject", ["version"], "payload"}}: validates, stores nothing. */
    private static void validate(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        BodyReader.readThen(exchange, bytes -> {
            Body body = body(services, bytes);
            ValidationResult result = services.schemas().validate(required(body.subject, "subject"), body.version,
                    required(body.payload, "payload"));
            exchange.json(200, g -> {
                g.writeStartObject();
                g.writeBooleanField("valid", result.valid());
                g.writeArrayFieldStart("errors");
                for (Violation violation : result.violations()) {
                    g.writeString(violation.toString());
                }
                g.writeEndArray();
                g.writeNumberField("schema_version", result.schemaVersion());
                g.writeArrayFieldStart("violations");
                for (Violation violation : result.violations()) {
                    g.writeStartObject();
                    g.writeStringField("path", violation.path());
                    g.writeStringField("rule", violation.rule());
                    g.writeStringField("message", violation.message());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            });
        });
    }

    /** {@code {"compatibility": "NONE" | "BACKWARD" | "FORWARD" | "FULL"}}. */
    private static void compatibility(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        String subject = exchange.pathParameter("subject");
        BodyReader.readThen(exchange, bytes -> {
            CompatibilityMode mode = CompatibilityMode.parse(required(body(services, bytes).compatibility, "compatibility"));
            exchange.answerWhenDone(services.offloop(() -> services.schemas().setCompatibility(subject, mode)),
                    info -> services.json().render(g -> writeInfo(info, g)));
        });
    }

    /** {@code {"enforce": true | false}}. */
    private static void enforcement(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        String subject = exchange.pathParameter("subject");
        BodyReader.readThen(exchange, bytes -> {
            Boolean enforce = body(services, bytes).enforce;
            if (enforce == null) {
                throw ApiException.badRequest("missing field 'enforce' (true or false)");
            }
            exchange.answerWhenDone(services.offloop(() -> services.schemas().setEnforced(subject, enforce)),
                    info -> services.json().render(g -> writeInfo(info, g)));
        });
    }

    private static void writeInfo(SubjectInfo info, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("subject", info.subject());
        g.writeStringField("compatibility", info.compatibility().name());
        g.writeBooleanField("enforced", info.enforced());
        g.writeNumberField("latest_version", info.latestVersion());
        g.writeEndObject();
    }
}
