package dev.peregrine.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The compatibility proof is sound: whenever it accepts {@code a ⊆ b}, no instance valid under
 * {@code a} is refused by {@code b}. Random schema pairs over the keywords the proof reasons about
 * (and some it only compares), random instances; also counts how often it proves something, so that a
 * proof that refuses everything would fail too.
 */
class CompatibilitySoundnessTest {
    private static final JsonNodeFactory N = JsonNodeFactory.instance;
    private static final String[] TYPES = {"null", "boolean", "integer", "number", "string", "array", "object"};
    private static final String[] NAMES = {"a", "b", "c"};

    @Test
    void everyProvenInclusionHoldsOnRandomInstances() {
        long seed = Long.getLong("peregrine.seed", System.nanoTime());
        Random random = new Random(seed);
        JsonSchemas schemas = new JsonSchemas();
        CompatibilityChecker checker = new CompatibilityChecker(schemas);
        List<JsonNode> instances = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            instances.add(instance(random, 3));
        }
        int proven = 0;
        for (int pair = 0; pair < 1_500; pair++) {
            JsonNode a = schema(random, 3);
            JsonNode b = random.nextInt(4) == 0 ? mutate(random, a) : schema(random, 3);
            try {
                checker.check(CompatibilityMode.BACKWARD, a, b);
            } catch (IncompatibleSchemaException refused) {
                continue;
            }
            proven++;
            Schema va = schemas.compile(a);
            Schema vb = schemas.compile(b);
            for (JsonNode instance : instances) {
                if (JsonSchemas.violations(va, instance).isEmpty()) {
                    assertThat(JsonSchemas.violations(vb, instance))
                            .as("seed %d: %s is valid under %s, which was proven within %s", seed, instance, a, b)
                            .isEmpty();
                }
            }
        }
        assertThat(proven).as("seed %d: proofs found", seed).isGreaterThan(100);
    }

    private static JsonNode schema(Random r, int depth) {
        switch (r.nextInt(depth <= 0 ? 5 : 9)) {
            case 0:
                return N.booleanNode(r.nextInt(4) != 0);
            case 1:
                return N.objectNode();
            case 2:
                return N.objectNode().put("type", TYPES[r.nextInt(TYPES.length)]);
            case 3: {
                ArrayNode types = N.arrayNode();
                types.add(TYPES[r.nextInt(3)]);
                types.add(TYPES[3 + r.nextInt(4)]);
                ObjectNode s = N.objectNode();
                s.set("type", types);
                return s;
            }
            case 4: {
                ArrayNode values = N.arrayNode();
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                    values.add(instance(r, 0));
                }
                ObjectNode s = N.objectNode();
                s.set("enum", values);
                if (r.nextBoolean()) {
                    s.put("type", TYPES[r.nextInt(TYPES.length)]);
                }
                return s;
            }
            case 5: {
                ObjectNode s = N.objectNode().put("type", r.nextBoolean() ? "number" : "string");
                return r.nextBoolean() ? s.put("minimum", 0) : s.put("maxLength", 2);
            }
            case 6: {
                ObjectNode s = N.objectNode();
                if (r.nextBoolean()) {
                    s.put("type", "array");
                }
                s.set("items", schema(r, depth - 1));
                return s;
            }
            default: {
                ObjectNode s = N.objectNode();
                if (r.nextInt(3) != 0) {
                    s.put("type", "object");
                }
                ObjectNode properties = N.objectNode();
                ArrayNode required = N.arrayNode();
                for (String name : NAMES) {
                    if (r.nextBoolean()) {
                        properties.set(name, schema(r, depth - 1));
                    }
                    if (r.nextInt(3) == 0) {
                        required.add(name);
                    }
                }
                s.set("properties", properties);
                if (!required.isEmpty()) {
                    s.set("required", required);
                }
                if (r.nextBoolean()) {
                    s.set("additionalProperties", r.nextBoolean() ? N.booleanNode(r.nextBoolean()) : schema(r, 0));
                }
                return s;
            }
        }
    }

    /** A small change of {@code a}, so that related pairs (the interesting ones) are common. */
    private static JsonNode mutate(Random r, JsonNode a) {
        if (!a.isObject()) {
            return schema(r, 2);
        }
        ObjectNode b = ((ObjectNode) a).deepCopy();
        switch (r.nextInt(4)) {
            case 0 -> b.remove("required");
            case 1 -> b.remove("type");
            case 2 -> b.put("additionalProperties", r.nextBoolean());
            default -> {
                JsonNode properties = b.get("properties");
                if (properties instanceof ObjectNode p) {
                    p.set(NAMES[r.nextInt(NAMES.length)], schema(r, 1));
                }
            }
        }
        return b;
    }

    private static JsonNode instance(Random r, int depth) {
        switch (r.nextInt(depth <= 0 ? 6 : 8)) {
            case 0:
                return N.nullNode();
            case 1:
                return N.booleanNode(r.nextBoolean());
            case 2:
                return N.numberNode(r.nextInt(4) - 1);
            case 3:
                return N.numberNode(r.nextBoolean() ? 1.5 : -0.5);
            case 4:
            case 5:
                return N.stringNode(new String[] {"", "x", "xyz"}[r.nextInt(3)]);
            case 6: {
                ArrayNode array = N.arrayNode();
                for (int i = 0, n = r.nextInt(3); i < n; i++) {
                    array.add(instance(r, depth - 1));
                }
                return array;
            }
            default: {
                ObjectNode object = N.objectNode();
                for (String name : NAMES) {
                    if (r.nextBoolean()) {
                        object.set(name, instance(r, depth - 1));
                    }
                }
                return object;
            }
        }
    }
}
