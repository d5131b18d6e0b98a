package dev.peregrine.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test oracle: JSON values as plain Java objects (LinkedHashMap, ArrayList, String, Long, Double, BigDecimal,
 * Boolean, null), read and written with jackson-core independently of the record code, plus a seeded generator of
 * documents.
 */
final class JsonModel {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonModel() {
    }

    /**
     * Parses JSON text into the model, with the number rule the codec promises, written out here on its own: long
     * if an integer fits, else double if the number is exactly its double's shortest form, else the BigDecimal.
     */
    static Object parse(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            return read(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object read(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, read(p));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType t = p.getNumberType();
                return t == JsonParser.NumberType.BIG_INTEGER ? number(p.getText()) : (Object) p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return number(p.getText());
            }
            case VALUE_TRUE -> {
                return true;
            }
            case VALUE_FALSE -> {
                return false;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalStateException("unexpected " + p.currentToken());
        }
    }

    /** A number that is not a long: a Double when it is exactly its double's shortest form, else a BigDecimal. */
    static Object number(String text) {
        BigDecimal exact = new BigDecimal(text);
        double d = Double.parseDouble(text);
        return Double.isFinite(d) && BigDecimal.valueOf(d).compareTo(exact) == 0 ? (Object) d : exact;
    }

    /** Writes the model as JSON text. */
    static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(value, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(Object value, JsonGenerator g) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    g.writeFieldName((String) e.getKey());
                    write(e.getValue(), g);
                }
                g.writeEndObject();
            }
            case List<?> list -> {
                g.writeStartArray();
                for (Object o : list) {
                    write(o, g);
                }
                g.writeEndArray();
            }
            case String s -> g.writeString(s);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case BigDecimal d -> g.writeNumber(d);
            case Boolean b -> g.writeBoolean(b);
            default -> throw new IllegalArgumentException(value.getClass().getName());
        }
    }

    /** A random document (a top-level object) from {@code random}. */
    static Map<String, Object> randomObject(Random random, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        int n = random.nextInt(depth == 0 ? 14 : 6);
        for (int i = 0; i < n; i++) {
            map.put(randomName(random), randomValue(random, depth + 1));
        }
        return map;
    }

    static Object randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 7 : 9);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> randomLong(random);
            case 3 -> randomDouble(random);
            case 4, 5 -> randomString(random);
            case 6 -> randomDecimal(random);
            case 7 -> randomObject(random, depth);
            default -> {
                List<Object> list = new ArrayList<>();
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(random, depth + 1));
                }
                yield list;
            }
        };
    }

    static long randomLong(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextInt(100) - 50;
            case 1 -> random.nextLong();
            case 2 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            default -> random.nextInt();
        };
    }

    static double randomDouble(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextInt(1000) / 4.0;            // includes integral doubles such as 2.0
            case 1 -> Double.longBitsToDouble(random.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL) * (random.nextBoolean() ? 1 : -1);
            case 2 -> random.nextGaussian() * 1e-300;
            case 3 -> (double) random.nextLong() * 1e6;
            default -> random.nextDouble();
        };
    }

    /**
     * A number neither a long nor a double holds exactly: integers beyond 64 bits, fractions with more digits than
     * a double keeps, magnitudes beyond the double range up to the exponent bound. Typed by the rule, so the
     * rare one that is a double after all is a Double.
     */
    static Object randomDecimal(Random random) {
        BigDecimal value = switch (random.nextInt(4)) {
            // Above 2^63 + 1, so beyond the long range negated too.
            case 0 -> new BigDecimal(new BigInteger(64 + random.nextInt(200), random))
                    .add(BigDecimal.valueOf(Long.MAX_VALUE)).add(BigDecimal.TWO);
            case 1 -> new BigDecimal(new BigInteger(60 + random.nextInt(200), random), 1 + random.nextInt(60));
            case 2 -> new BigDecimal(BigInteger.valueOf(1 + random.nextInt(1000)), 330 + random.nextInt(9000));
            default -> new BigDecimal(BigInteger.valueOf(1 + random.nextInt(1000)), -(310 + random.nextInt(9000)));
        };
        return number((random.nextBoolean() ? value.negate() : value).toString());
    }

    static String randomName(Random random) {
        String[] common = {"id", "ts", "user", "name", "type", "a", "b", "c", "items", "price", "", "ünï", "k.e.y"};
        return random.nextInt(3) == 0 ? randomString(random) : common[random.nextInt(common.length)];
    }

    static String randomString(Random random) {
        int n = random.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(6)) {
                case 0 -> sb.append((char) ('a' + random.nextInt(26)));
                case 1 -> sb.append("\"\\/\b\f\n\r\t".charAt(random.nextInt(8)));
                case 2 -> sb.append((char) random.nextInt(0x20));                     // control characters
                case 3 -> sb.append((char) (0x80 + random.nextInt(0xD800 - 0x80)));  // BMP below surrogates
                case 4 -> sb.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000)); // surrogate pairs
                default -> sb.append((char) (0xE000 + random.nextInt(0x2000)));
            }
        }
        return sb.toString();
    }
}
