package dev.peregrine.store.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values of the model as plain Java objects ({@code Map<String, Object>} in insertion order,
 * {@code List<Object>}, {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code null}),
 * with a writer for what the model sends, a reader (jackson-core) for what the store returns, and JSON
 * Merge Patch on them. None of it touches the record module, so the model cannot share a bug with
 * the store's codec or its merge.
 */
public final class ModelJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private ModelJson() {
    }

    /**
     * @param value a model value
     * @return its JSON text (keys in the map's order)
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(s, out);
            case Map<?, ?> m -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(e.getKey(), out);
                    out.append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            }
            case List<?> l -> {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(l.get(i), out);
                }
                out.append(']');
            }
            case Long n -> out.append(n.longValue());
            case Double d -> out.append(d.doubleValue());
            case Boolean b -> out.append(b.booleanValue());
            default -> throw new IllegalArgumentException("not a model JSON value: " + value.getClass());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * @param json a JSON object
     * @return it as a model map
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readObject(String json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            Object value = read(parser, parser.nextToken());
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after the value: " + json);
            }
            return (Map<String, Object>) value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + json, e);
        }
    }

    private static Object read(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String key = parser.currentName();
                    map.put(key, read(parser, parser.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(read(parser, t));
                }
                yield list;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalArgumentException("unexpected token " + token);
        };
    }

    /**
     * JSON Merge Patch, RFC 7396 section 2, on model maps: a {@code null} removes the key, an object
     * merges into the target's value (into an empty object when that is not an object), anything else
     * replaces. Neither argument is modified.
     *
     * @param target the current state (an object; may be empty)
     * @param patch the patch object
     * @return the merged object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> mergePatch(Map<String, Object> target, Map<String, Object> patch) {
        Map<String, Object> result = new LinkedHashMap<>(target);
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            Object value = e.getValue();
            if (value == null) {
                result.remove(e.getKey());
            } else if (value instanceof Map<?, ?> sub) {
                Object old = result.get(e.getKey());
                Map<String, Object> base = old instanceof Map<?, ?> m ? (Map<String, Object>) m : Collections.emptyMap();
                result.put(e.getKey(), mergePatch(base, (Map<String, Object>) sub));
            } else {
                result.put(e.getKey(), value);
            }
        }
        return result;
    }
}
