package dev.peregrine.schema;

import com.networknt.schema.Schema;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Proves that one schema accepts every payload another accepts ({@code a ⊆ b}), over the part of JSON
 * Schema that can be reasoned about locally; whatever it cannot prove is refused with the reason.
 * The proof is <em>sound</em>: when it says {@code a ⊆ b}, every instance valid under {@code a} is
 * valid under {@code b}. It is not complete: some compatible pairs are refused, each with a message
 * naming the place and the keyword, and {@link CompatibilityMode#NONE} registers them anyway.
 *
 * <p><b>The rule</b>, applied at each place of the two schemas (the root, then each property and the
 * array items), where {@code true} and {@code {}} accept anything and {@code false} nothing:
 * <ol>
 *   <li>{@code a ⊆ b} holds when {@code b} accepts anything (annotations such as {@code title},
 *       {@code description}, {@code default}, {@code examples} are ignored), when {@code a} accepts
 *       nothing, or when the two are equal.</li>
 *   <li>A keyword whose meaning depends on its siblings or on other parts of the document
 *       ({@code patternProperties}, {@code unevaluatedProperties}, {@code unevaluatedItems},
 *       {@code prefixItems}, {@code if}/{@code then}/{@code else}, {@code dependentSchemas},
 *       {@code $ref}, {@code $dynamicRef}, {@code $defs}) on either side: refused unless the two
 *       places are equal.</li>
 *   <li>{@code enum} or {@code const} on {@code a}: exact. Every listed value that {@code a} accepts
 *       must be accepted by {@code b} (checked with the validator).</li>
 *   <li>{@code enum} or {@code const} on {@code b} only: refused ({@code a} accepts values outside it).</li>
 *   <li>{@code type}: each type {@code a} allows must be allowed by {@code b} ({@code integer} is within
 *       {@code number}); no {@code type} on {@code a} allows every type.</li>
 *   <li>Any other assertion on {@code b} ({@code minimum}, {@code maxLength}, {@code pattern},
 *       {@code format}, {@code allOf}, {@code oneOf}, {@code not}, ...) must be on {@code a} with an equal
 *       value: assertions are a conjunction, so a shared one holds on both sides, and one only on
 *       {@code a} only narrows {@code a}.</li>
 *   <li>When {@code a} allows objects: every name {@code b} lists in {@code required} is required by
 *       {@code a}; for each property either side names, {@code a}'s schema for it ({@code properties},
 *       else {@code additionalProperties}, else anything) {@code ⊆} {@code b}'s; and for every other name,
 *       {@code a}'s {@code additionalProperties} {@code ⊆} {@code b}'s.</li>
 *   <li>When {@code a} allows arrays: {@code a}'s {@code items} {@code ⊆} {@code b}'s.</li>
 * </ol>
 * So dropping a {@code required} name, widening a {@code type} or an {@code enum}, and adding an
 * optional property to a closed object ({@code "additionalProperties": false}) are backward
 * compatible; the reverse changes are forward compatible; renaming a required property is neither.
 * Adding a typed property to an <em>open</em> object is forward compatible only: the old version
 * accepted any value under that name, the new one does not.
 *
 * <p>Versions that use {@code $ref} or {@code $dynamicRef} anywhere are proven compatible only when
 * they are equal: a reference's target can change anywhere in the document.
 *
 * <p>Thread-safe: stateless apart from the validator, which is.
 */
final class CompatibilityChecker {

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$comment", "examples",
            "default", "deprecated", "readOnly", "writeOnly", "$schema", "$id", "$anchor", "contentMediaType",
            "contentEncoding", "contentSchema");
    private static final Set<String> INTERACTING = Set.of("patternProperties", "unevaluatedProperties",
            "unevaluatedItems", "prefixItems", "if", "then", "else", "dependentSchemas", "$ref", "$dynamicRef",
            "$dynamicAnchor", "$defs", "definitions");
    private static final Set<String> ANALYSED = Set.of("type", "enum", "const", "required", "properties",
            "additionalProperties", "items");

    private final JsonSchemas schemas;

    CompatibilityChecker(JsonSchemas schemas) {
        this.schemas = schemas;
    }

    /**
     * @param mode the subject's mode
     * @param latest the latest registered version
     * @param candidate the new one
     * @throws IncompatibleSchemaException naming the mode, the place and the reason when the mode's
     *         inclusions cannot be proven
     */
    void check(CompatibilityMode mode, JsonNode latest, JsonNode candidate) {
        if (mode != CompatibilityMode.NONE && !latest.equals(candidate) && (references(latest) || references(candidate))) {
            // A reference's target can change anywhere in the document: no place-by-place proof holds.
            throw new IncompatibleSchemaException(mode, "the new version is not provably " + mode + " compatible "
                    + "with the latest: versions that use '$ref' or '$dynamicRef' are proven compatible only when "
                    + "they are equal");
        }
        Optional<String> problem = switch (mode) {
            case NONE -> Optional.empty();
            case BACKWARD -> subset(latest, candidate, "$", "the latest version", "the new one");
            case FORWARD -> subset(candidate, latest, "$", "the new version", "the latest one");
            case FULL -> subset(latest, candidate, "$", "the latest version", "the new one")
                    .or(() -> subset(candidate, latest, "$", "the new version", "the latest one"));
        };
        problem.ifPresent(reason -> {
            throw new IncompatibleSchemaException(mode, "the new version is not provably " + mode + " compatible "
                    + "with the latest: " + reason);
        });
    }

    private static boolean references(JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().equals("$ref") || field.getKey().equals("$dynamicRef") || references(field.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (references(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Why {@code a ⊆ b} is not proven at {@code path}, or empty when it is. */
    private Optional<String> subset(JsonNode a, JsonNode b, String path, String aName, String bName) {
        if (acceptsAnything(b) || a.isBoolean() && !a.asBoolean() || a.equals(b)) {
            return Optional.empty();
        }
        if (b.isBoolean()) {
            return Optional.of("at " + path + ": " + bName + " accepts nothing");
        }
        for (JsonNode side : List.of(a, b)) {
            if (side.isObject()) {
                for (String key : side.propertyNames()) {
                    if (INTERACTING.contains(key)) {
                        return Optional.of("at " + path + ": '" + key + "' is proven compatible only when both "
                                + "versions are equal at this place, and they differ");
                    }
                }
            }
        }
        if (a.isObject() && (a.has("enum") || a.has("const"))) {
            return enumSubset(a, b, path, aName, bName);
        }
        if (b.has("enum") || b.has("const")) {
            return Optional.of("at " + path + ": " + bName + " allows only listed values ('"
                    + (b.has("enum") ? "enum" : "const") + "'), " + aName + " does not restrict them");
        }
        for (String key : b.propertyNames()) {
            if (!ANNOTATIONS.contains(key) && !ANALYSED.contains(key) && !b.get(key).equals(a.get(key))) {
                return Optional.of("at " + path + ": '" + key + "' " + b.get(key) + " of " + bName + " is not in "
                        + aName + (a.has(key) ? " (which has " + a.get(key) + ")" : ""));
            }
        }
        Set<String> aTypes = types(a);
        Set<String> bTypes = types(b);
        if (bTypes != null) {
            if (aTypes == null) {
                return Optional.of("at " + path + ": " + aName + " allows any type, " + bName + " only " + bTypes);
            }
            for (String type : aTypes) {
                if (!bTypes.contains(type) && !(type.equals("integer") && bTypes.contains("number"))) {
                    return Optional.of("at " + path + ": type '" + type + "' is allowed by " + aName + " but not by "
                            + bName);
                }
            }
        }
        if (aTypes == null || aTypes.contains("object")) {
            Optional<String> objects = objectSubset(a, b, path, aName, bName);
            if (objects.isPresent()) {
                return objects;
            }
        }
        if (aTypes == null || aTypes.contains("array")) {
            return subset(field(a, "items"), field(b, "items"), path + "[*]", aName, bName);
        }
        return Optional.empty();
    }

    private Optional<String> objectSubset(JsonNode a, JsonNode b, String path, String aName, String bName) {
        Set<String> aRequired = strings(a.get("required"));
        for (String name : strings(b.get("required"))) {
            if (!aRequired.contains(name)) {
                return Optional.of("at " + path + "." + name + ": required by " + bName + " but not by " + aName);
            }
        }
        Set<String> names = new TreeSet<>(names(a.get("properties")));
        names.addAll(names(b.get("properties")));
        for (String name : names) {
            Optional<String> problem = subset(property(a, name), property(b, name), path + "." + name, aName, bName);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return subset(field(a, "additionalProperties"), field(b, "additionalProperties"),
                path + ".<any other property>", aName, bName);
    }

    /** {@code a}'s values are listed: exactly those that {@code a} accepts must be accepted by {@code b}. */
    private Optional<String> enumSubset(JsonNode a, JsonNode b, String path, String aName, String bName) {
        Schema aSchema = schemas.compile(a);
        Schema bSchema = schemas.compile(b);
        Iterable<JsonNode> values = a.has("const") ? List.of(a.get("const")) : a.get("enum");
        for (JsonNode value : values) {
            if (JsonSchemas.violations(aSchema, value).isEmpty() && !JsonSchemas.violations(bSchema, value).isEmpty()) {
                return Optional.of("at " + path + ": the value " + value + " is accepted by " + aName + " but not by "
                        + bName);
            }
        }
        return Optional.empty();
    }

    /** What a schema says about a property: its own schema, else additionalProperties, else anything. */
    private static JsonNode property(JsonNode schema, String name) {
        JsonNode properties = schema.get("properties");
        if (properties != null && properties.has(name)) {
            return properties.get(name);
        }
        return field(schema, "additionalProperties");
    }

    /** A subschema keyword's value, or {@code true} (anything) when absent or on a boolean schema. */
    private static JsonNode field(JsonNode schema, String keyword) {
        JsonNode value = schema.get(keyword);
        return value == null ? tools.jackson.databind.node.BooleanNode.TRUE : value;
    }

    private static boolean acceptsAnything(JsonNode schema) {
        return schema.isBoolean() ? schema.asBoolean() : hasOnly(schema, ANNOTATIONS);
    }

    private static boolean hasOnly(JsonNode schema, Set<String> keys) {
        for (String key : schema.propertyNames()) {
            if (!keys.contains(key)) {
                return false;
            }
        }
        return true;
    }

    /** The types a schema allows, or {@code null} for every type. */
    private static Set<String> types(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return null;
        }
        return type.isString() ? Set.of(type.asString()) : strings(type);
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        if (array != null && array.isArray()) {
            for (JsonNode element : array) {
                out.add(element.asString());
            }
        }
        return out;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new LinkedHashSet<>();
        if (object != null && object.isObject()) {
            for (Map.Entry<String, JsonNode> property : object.properties()) {
                out.add(property.getKey());
            }
        }
        return out;
    }
}
