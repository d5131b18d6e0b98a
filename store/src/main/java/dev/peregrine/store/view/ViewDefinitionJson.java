package dev.peregrine.store.view;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.peregrine.record.JsonNumbers;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the JSON form of a {@link ViewDefinition}. Jackson's streaming parser tokenizes
 * (a well-kept library; this class only maps tokens to the definition model), into a small tree of
 * maps and lists that is then checked key by key so every error names its place.
 */
final class ViewDefinitionJson {

    /** Longest definition accepted, so a hostile request cannot make the parser build a huge tree. */
    static final int MAX_JSON_LENGTH = 1 << 20;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Set<String> TOP_KEYS = Set.of("name", "event_types", "where", "select", "group_by",
            "aggregates");

    private ViewDefinitionJson() {}

    static ViewDefinition parse(String json) {
        if (json == null) {
            throw new InvalidViewDefinitionException("$", "the definition is missing");
        }
        if (json.length() > MAX_JSON_LENGTH) {
            throw new InvalidViewDefinitionException("$", "the definition is " + json.length()
                    + " characters; the limit is " + MAX_JSON_LENGTH);
        }
        Object tree;
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new InvalidViewDefinitionException("$", "the definition is empty");
            }
            tree = readValue(p);
            if (p.nextToken() != null) {
                throw new InvalidViewDefinitionException("$", "unexpected content after the definition at "
                        + location(p));
            }
        } catch (JsonProcessingException e) {
            throw new InvalidViewDefinitionException("$", "malformed JSON: " + e.getOriginalMessage()
                    + " at " + location(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> top = object(tree, "$");
        for (String key : top.keySet()) {
            if (!TOP_KEYS.contains(key)) {
                throw new InvalidViewDefinitionException(key, "unknown key; known keys: " + TOP_KEYS);
            }
        }
        ViewDefinition.Builder b = ViewDefinition.builder(string(top.get("name"), "name"));
        if (top.containsKey("event_types")) {
            List<Object> types = list(top.get("event_types"), "event_types");
            for (int i = 0; i < types.size(); i++) {
                b.eventTypes(string(types.get(i), "event_types[" + i + "]"));
            }
        }
        if (top.containsKey("where")) {
            b.where(predicate(top.get("where"), "where"));
        }
        b.select(columns(top, "select"));
        b.groupBy(columns(top, "group_by"));
        if (top.containsKey("aggregates")) {
            List<Object> aggs = list(top.get("aggregates"), "aggregates");
            for (int i = 0; i < aggs.size(); i++) {
                String at = "aggregates[" + i + "]";
                Map<String, Object> a = object(aggs.get(i), at);
                onlyKeys(a, at, "fn", "field", "as");
                String fnName = string(a.get("fn"), at + ".fn");
                AggregateFunction fn = AggregateFunction.byJsonName(fnName);
                if (fn == null) {
                    throw new InvalidViewDefinitionException(at + ".fn", "unknown function '" + fnName
                            + "'; known: count, sum, min, max, avg, count_distinct");
                }
                String field = a.containsKey("field") ? string(a.get("field"), at + ".field") : null;
                if (field == null && fn.needsField()) {
                    throw new InvalidViewDefinitionException(at + ".field", fnName + " needs a field");
                }
                String as = a.containsKey("as") ? string(a.get("as"), at + ".as")
                        : field == null ? fnName : fnName + "_" + field;
                b.aggregate(fn, field, as);
            }
        }
        return b.build();
    }

    private static ViewColumn[] columns(Map<String, Object> top, String key) {
        if (!top.containsKey(key)) {
            return new ViewColumn[0];
        }
        List<Object> items = list(top.get(key), key);
        ViewColumn[] out = new ViewColumn[items.size()];
        for (int i = 0; i < items.size(); i++) {
            String at = key + "[" + i + "]";
            Object item = items.get(i);
            if (item instanceof String s) {
                out[i] = ViewColumn.of(s);
                continue;
            }
            Map<String, Object> c = object(item, at);
            onlyKeys(c, at, "field", "as");
            String field = string(c.get("field"), at + ".field");
            out[i] = new ViewColumn(field, c.containsKey("as") ? string(c.get("as"), at + ".as") : field);
        }
        return out;
    }

    private static ViewPredicate predicate(Object node, String at) {
        Map<String, Object> m = object(node, at);
        if (m.containsKey("and") || m.containsKey("or")) {
            String key = m.containsKey("and") ? "and" : "or";
            onlyKeys(m, at, key);
            List<Object> items = list(m.get(key), at + "." + key);
            List<ViewPredicate> parts = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                parts.add(predicate(items.get(i), at + "." + key + "[" + i + "]"));
            }
            return key.equals("and") ? new ViewPredicate.And(parts) : new ViewPredicate.Or(parts);
        }
        if (m.containsKey("not")) {
            onlyKeys(m, at, "not");
            return new ViewPredicate.Not(predicate(m.get("not"), at + ".not"));
        }
        String field = string(m.get("field"), at + ".field");
        String op = string(m.get("op"), at + ".op");
        switch (op) {
            case "exists" -> {
                onlyKeys(m, at, "field", "op");
                return new ViewPredicate.Exists(field);
            }
            case "in" -> {
                onlyKeys(m, at, "field", "op", "value");
                List<Object> values = list(m.get("value"), at + ".value");
                for (int i = 0; i < values.size(); i++) {
                    literal(values.get(i), at + ".value[" + i + "]");
                }
                return new ViewPredicate.In(field, values);
            }
            case "contains" -> {
                onlyKeys(m, at, "field", "op", "value");
                requireKey(m, "value", at);
                return new ViewPredicate.Contains(field, literal(m.get("value"), at + ".value"));
            }
            default -> {
                ComparisonOperator cmp = ComparisonOperator.bySymbol(op);
                if (cmp == null) {
                    throw new InvalidViewDefinitionException(at + ".op", "unknown operator '" + op
                            + "'; known: =, !=, <, <=, >, >=, in, exists, contains");
                }
                onlyKeys(m, at, "field", "op", "value");
                requireKey(m, "value", at);
                return new ViewPredicate.Compare(field, cmp, literal(m.get("value"), at + ".value"));
            }
        }
    }

    private static Object literal(Object v, String at) {
        if (v instanceof Map || v instanceof List) {
            throw new InvalidViewDefinitionException(at, "a literal must be null, a boolean, a number or a string");
        }
        return v;
    }

    private static void requireKey(Map<String, Object> m, String key, String at) {
        if (!m.containsKey(key)) {
            throw new InvalidViewDefinitionException(at + "." + key, "is required");
        }
    }

    private static void onlyKeys(Map<String, Object> m, String at, String... allowed) {
        List<String> ok = List.of(allowed);
        for (String key : m.keySet()) {
            if (!ok.contains(key)) {
                throw new InvalidViewDefinitionException(at + "." + key, "unexpected key here; allowed: " + ok);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object node, String at) {
        if (node instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new InvalidViewDefinitionException(at, "expected a JSON object, got " + kind(node));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node, String at) {
        if (node instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new InvalidViewDefinitionException(at, "expected a JSON array, got " + kind(node));
    }

    private static String string(Object node, String at) {
        if (node instanceof String s) {
            return s;
        }
        throw new InvalidViewDefinitionException(at, node == null ? "is required (a string)"
                : "expected a string, got " + kind(node));
    }

    private static String kind(Object node) {
        return switch (node) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            default -> "a number";
        };
    }

    private static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, readValue(p));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(readValue(p));
                }
                yield l;
            }
            case VALUE_STRING -> p.getText();
            // Typed as event payloads are (JsonNumbers): 1e-400 stays 1e-400 instead of becoming 0.0.
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                try {
                    yield JsonNumbers.parse(p.getText());
                } catch (NumberFormatException e) {
                    throw new InvalidViewDefinitionException("$", e.getMessage() + " at " + location(p));
                }
            }
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new InvalidViewDefinitionException("$", "unexpected " + t + " at " + location(p));
        };
    }

    private static String location(JsonParser p) {
        return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "unknown location"
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    static String write(ViewDefinition d) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("name", d.name());
            if (!d.eventTypes().isEmpty()) {
                g.writeArrayFieldStart("event_types");
                for (String t : d.eventTypes()) {
                    g.writeString(t);
                }
                g.writeEndArray();
            }
            if (d.where().isPresent()) {
                g.writeFieldName("where");
                writePredicate(g, d.where().get());
            }
            writeColumns(g, "select", d.grouped() ? List.of() : d.select());
            writeColumns(g, "group_by", d.groupBy());
            if (!d.aggregates().isEmpty()) {
                g.writeArrayFieldStart("aggregates");
                for (ViewAggregate a : d.aggregates()) {
                    g.writeStartObject();
                    g.writeStringField("fn", a.function().jsonName());
                    if (a.field() != null) {
                        g.writeStringField("field", a.field());
                    }
                    g.writeStringField("as", a.name());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeColumns(JsonGenerator g, String key, List<ViewColumn> cols) throws IOException {
        if (cols.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(key);
        for (ViewColumn c : cols) {
            g.writeStartObject();
            g.writeStringField("field", c.field());
            g.writeStringField("as", c.name());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writePredicate(JsonGenerator g, ViewPredicate p) throws IOException {
        g.writeStartObject();
        switch (p) {
            case ViewPredicate.Compare c -> {
                g.writeStringField("field", c.field());
                g.writeStringField("op", c.op().symbol());
                g.writeFieldName("value");
                writeLiteral(g, c.value());
            }
            case ViewPredicate.In in -> {
                g.writeStringField("field", in.field());
                g.writeStringField("op", "in");
                g.writeArrayFieldStart("value");
                for (Object v : in.values()) {
                    writeLiteral(g, v);
                }
                g.writeEndArray();
            }
            case ViewPredicate.Exists e -> {
                g.writeStringField("field", e.field());
                g.writeStringField("op", "exists");
            }
            case ViewPredicate.Contains c -> {
                g.writeStringField("field", c.field());
                g.writeStringField("op", "contains");
                g.writeFieldName("value");
                writeLiteral(g, c.value());
            }
            case ViewPredicate.And and -> writeParts(g, "and", and.parts());
            case ViewPredicate.Or or -> writeParts(g, "or", or.parts());
            case ViewPredicate.Not not -> {
                g.writeFieldName("not");
                writePredicate(g, not.part());
            }
        }
        g.writeEndObject();
    }

    private static void writeParts(JsonGenerator g, String key, List<ViewPredicate> parts) throws IOException {
        g.writeArrayFieldStart(key);
        for (ViewPredicate part : parts) {
            writePredicate(g, part);
        }
        g.writeEndArray();
    }

    private static void writeLiteral(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Boolean b -> g.writeBoolean(b);
            case Long l -> g.writeNumber(l);
            // A double always keeps a decimal point or exponent so it reads back as a double.
            case Double d -> g.writeNumber(d.toString());
            case BigDecimal d -> g.writeNumber(d);
            case String s -> g.writeString(s);
            default -> throw new IllegalStateException("literal of kind " + v.getClass());
        }
    }
}
