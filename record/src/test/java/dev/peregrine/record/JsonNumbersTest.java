package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The number rule: integers in range are I64, numbers that are exactly their shortest double F64, the rest DECIMAL. */
class JsonNumbersTest {

    private static final long SEED = 0xDEC1_2026L;

    private final FieldDictionary dict = FieldDictionary.create();

    @Test
    void theNumbersOfTheIssueComeBackUnchanged() {
        String json = "{\"a\":18446744073709551617,\"b\":-9223372036854775809,\"c\":123456789012345678901234567890,"
                + "\"d\":1e-400,\"e\":1E400,\"f\":-0.1000000000000000055511151231257827e-3}";
        Record r = JsonCodec.defaults().parse(dict, json);
        for (String name : List.of("a", "b", "c", "d", "e", "f")) {
            assertThat(r.typeOf(name)).as(name).isEqualTo(FieldType.DECIMAL);
        }
        assertThat(r.getDecimal("a")).isEqualTo(new BigDecimal("18446744073709551617"));
        assertThat(r.getDecimal("d")).isEqualByComparingTo("1e-400");
        assertThat(r.toJson()).isEqualTo(json);
        assertThat(JsonCodec.defaults().toJsonBytes(r)).isEqualTo(json.getBytes(StandardCharsets.US_ASCII));
        assertThat(JsonCodec.defaults().parse(dict, r.toJson())).isEqualTo(r);
        assertThat(Record.wrap(dict, r.toByteArray())).isEqualTo(r);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "0, I64", "-0, I64", "9223372036854775807, I64", "-9223372036854775808, I64",
        "9223372036854775808, DECIMAL", "-9223372036854775809, DECIMAL",
        "1.5, F64", "0.1, F64", "2.0, F64", "1e3, F64", "-0.0, F64", "0e-99999, F64", "4.9e-324, F64",
        "1.7976931348623157e308, F64", "100000000000000000000, F64", "0.30000000000000004, F64",
        "3.141592653589793, F64", "1.00000000000000000000, F64",
        "0.1000000000000000055511151231257827, DECIMAL", "1e-400, DECIMAL", "1e400, DECIMAL",
        "2e-324, DECIMAL", "1.7976931348623159e308, DECIMAL", "9007199254740993.0, DECIMAL",
        "123456789012345678901234567890, DECIMAL", "1e9999, DECIMAL", "-1.5e-9999, DECIMAL",
        "12345678901234567890e9980, DECIMAL",
    })
    void theRuleTypesEachNumber(String text, FieldType type) {
        Number value = JsonNumbers.parse(text);
        FieldType actual = switch (value) {
            case Long l -> FieldType.I64;
            case Double d -> FieldType.F64;
            default -> FieldType.DECIMAL;
        };
        assertThat(actual).isEqualTo(type);
        BigDecimal exact = new BigDecimal(text);
        switch (value) {
            case Long l -> assertThat(BigDecimal.valueOf(l)).isEqualByComparingTo(exact);
            case Double d -> assertThat(new BigDecimal(Double.toString(d))).isEqualByComparingTo(exact);
            default -> assertThat(value).isEqualTo(exact); // same scale too: the text as given
        }
        Record r = JsonCodec.defaults().parse(dict, "{\"n\":" + text + "}");
        assertThat(r.typeOf("n")).isEqualTo(type);
        if (type == FieldType.DECIMAL) {
            assertThat(r.toJson()).isEqualTo("{\"n\":" + text + "}");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e10000", "-1e10000", "1e-10000", "12345678901234567890e9981", "1e2147483648",
        "0.1e-2147483648"})
    void exponentsBeyondTheBoundAreRefused(String text) {
        assertThatThrownBy(() -> JsonNumbers.parse(text)).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("outside the supported range");
        assertThatThrownBy(() -> JsonCodec.defaults().parse(dict, "{\"n\":[" + text + "]}"))
                .isInstanceOf(InvalidJsonException.class).hasMessageContaining("outside the supported range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "+1", "01", "1.", ".5", "1e", "1e+", "0x10", "1,5", "NaN", "Infinity", " 1", "1 "})
    void textThatIsNotAJsonNumberIsRefused(String text) {
        assertThatThrownBy(() -> JsonNumbers.parse(text)).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("is not a JSON number");
    }

    /**
     * The parser takes short fractions (no exponent, at most 16 characters) as F64 without applying the rule;
     * this checks over random such numbers that the rule would have said the same, with the same double.
     */
    @Test
    void theShortFractionShortcutAgreesWithTheRule() {
        Random random = new Random(SEED);
        int checked = 0;
        while (checked < 100_000) {
            String integer = random.nextInt(4) == 0 ? "0" : (1 + random.nextInt(9)) + digits(random, random.nextInt(14));
            String text = (random.nextBoolean() ? "-" : "") + integer + "." + digits(random, 1 + random.nextInt(15));
            char[] chars = ("  " + text).toCharArray();
            if (JsonNumbers.isShortFraction(chars, 2, text.length())) {
                assertThat(JsonNumbers.parse(text)).as("seed %d, %s", SEED, text).isEqualTo(Double.parseDouble(text));
                checked++;
            }
        }
        assertThat(JsonNumbers.isShortFraction("1.5e3".toCharArray(), 0, 5)).isFalse();
        assertThat(JsonNumbers.isShortFraction("0.12345678901234567".toCharArray(), 0, 19)).isFalse();
    }

    private static String digits(Random random, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(random.nextInt(3) == 0 ? '0' : (char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    @Test
    void theBuilderTypesBigNumbersByTheSameRule() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("long", new BigDecimal("42"));
        fields.put("double", new BigDecimal("2.50"));
        fields.put("decimal", new BigDecimal("1E-400"));
        fields.put("bigint", new BigInteger("18446744073709551617"));
        fields.put("list", List.of(new BigDecimal("0.1000000000000000055511151231257827"), 1));
        Record built = RecordBuilder.create(dict).withFields(fields)
                .put("put", new BigDecimal("123456789012345678901234567890"))
                .beginArray("added").add(new BigDecimal("7")).add(new BigDecimal("-9223372036854775809")).endArray()
                .build();
        assertThat(built.typeOf("long")).isEqualTo(FieldType.I64);
        assertThat(built.getLong("long")).isEqualTo(42);
        assertThat(built.typeOf("double")).isEqualTo(FieldType.F64);
        assertThat(built.getDouble("double")).isEqualTo(2.5);
        assertThat(built.getDecimal("decimal")).isEqualTo(new BigDecimal("1E-400"));
        assertThat(built.getDecimal("bigint")).isEqualTo(new BigDecimal("18446744073709551617"));
        assertThat(built.getArray("list").getDecimal(0)).isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
        assertThat(built.getDecimal(FieldPath.parse("added[1]"))).isEqualTo(new BigDecimal("-9223372036854775809"));
        assertThat(built.getArray("added").typeOf(0)).isEqualTo(FieldType.I64);
        List<BigDecimal> seen = new ArrayList<>();
        built.forEachField(c -> {
            if (c.type() == FieldType.DECIMAL) {
                seen.add(c.getDecimal());
            }
        });
        assertThat(seen).hasSize(3);
        // Built and parsed encodings of the same document are the same bytes.
        assertThat(JsonCodec.defaults().parse(dict, built.toJson())).isEqualTo(built);
        assertThatThrownBy(() -> RecordBuilder.create(dict).put("x", new BigDecimal("1E+10000")))
                .isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> built.getDecimal("long")).isInstanceOf(FieldTypeException.class)
                .hasMessage("field 'long' is I64, not DECIMAL");
    }
}
