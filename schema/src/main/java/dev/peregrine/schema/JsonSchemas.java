package dev.peregrine.schema;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.DialectId;
import com.networknt.schema.path.PathType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place that talks to the validator (networknt's json-schema-validator, JSON Schema draft
 * 2020-12): parses schema documents, checks them against the draft's meta-schema, compiles them and
 * runs them on payload trees.
 *
 * <p><b>Self-contained schemas only.</b> Every {@code $ref} must point inside the document
 * ({@code "#..."}), and the validator's loader is told not to fetch remote resources: registering a
 * schema never makes the server open a connection or read a file (no request forgery through a schema).
 *
 * <p>Thread-safe: the validator's registry and compiled schemas are immutable once built.
 */
final class JsonSchemas {

    /** The draft every schema is read as; a {@code $schema} naming another one is refused. */
    static final String DIALECT = DialectId.DRAFT_2020_12;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final com.networknt.schema.SchemaRegistry validator = com.networknt.schema.SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build())
                    .schemaLoader(loader -> loader.fetchRemoteResources(false)));
    private final Schema metaSchema = validator.getSchema(SchemaLocation.of(DIALECT));

    /** Parses JSON text (a schema, or a payload given as text), refusing duplicate keys. */
    static JsonNode parse(String json, String what) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidSchemaException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** @return the node as compact JSON */
    static String text(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /**
     * Checks a schema document and compiles it.
     *
     * @throws InvalidSchemaException naming the first problem: not an object or boolean, another
     *         draft, a {@code $ref} out of the document, or a violation of the draft's meta-schema
     */
    Schema compile(JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new InvalidSchemaException("a JSON Schema is an object or a boolean, got " + schema.getNodeType());
        }
        JsonNode dialect = schema.get("$schema");
        if (dialect != null && !DIALECT.equals(dialect.asString(null)) && !(DIALECT + "#").equals(dialect.asString(null))) {
            throw new InvalidSchemaException("'$schema' must be absent or " + DIALECT + " (draft 2020-12), got "
                    + dialect);
        }
        checkReferences(schema, "$");
        List<Violation> meta = violations(metaSchema, schema);
        if (!meta.isEmpty()) {
            throw new InvalidSchemaException("not a valid JSON Schema (draft 2020-12): " + meta.getFirst());
        }
        try {
            return validator.getSchema(schema);
        } catch (SchemaException e) {
            throw new InvalidSchemaException("the schema cannot be compiled: " + e.getMessage());
        }
    }

    /** Refuses references that leave the document, at any depth. */
    private static void checkReferences(JsonNode node, String at) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = field.getKey();
                JsonNode value = field.getValue();
                if ((key.equals("$ref") || key.equals("$dynamicRef")) && value.isString()
                        && !value.asString().startsWith("#")) {
                    throw new InvalidSchemaException("at " + at + "." + key + ": '" + value.asString()
                            + "' points outside the schema; only references inside it (\"#...\") are allowed");
                }
                checkReferences(value, at + "." + key);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkReferences(node.get(i), at + "[" + i + "]");
            }
        }
    }

    /**
     * Validates an instance.
     *
     * @return every violation, in the validator's order; empty when the instance is valid
     */
    static List<Violation> violations(Schema schema, JsonNode instance) {
        List<Error> errors = schema.validate(instance);
        if (errors.isEmpty()) {
            return List.of();
        }
        List<Violation> out = new ArrayList<>(errors.size());
        for (Error error : errors) {
            out.add(violation(error));
        }
        return out;
    }

    private static Violation violation(Error error) {
        String path = error.getInstanceLocation().toString();
        String message = error.getMessage();
        // The validator's messages start with the instance location; the path is a field of its own.
        if (message.startsWith(path + ": ")) {
            message = message.substring(path.length() + 2);
        }
        if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
            path = path + "." + error.getProperty(); // the missing property's own path
        }
        return new Violation(path, error.getKeyword(), message);
    }
}
