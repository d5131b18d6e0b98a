package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.record.internal.JsonStreams;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    private final FieldDictionary dict = FieldDictionary.create();
    private final JsonCodec json = JsonCodec.defaults();

    @Test
    void numbers() {
        Record r = json.parse(dict, "{\"i\":9223372036854775807,\"neg\":-9223372036854775808,\"big\":9223372036854775808,"
                + "\"d\":2.0,\"e\":1e3,\"tiny\":4.9e-324,\"precise\":0.1000000000000000055511151231257827,"
                + "\"negzero\":-0,\"negzerod\":-0.0}");
        assertThat(r.typeOf("i")).isEqualTo(FieldType.I64);
        assertThat(r.getLong("i")).isEqualTo(Long.MAX_VALUE);
        assertThat(r.getLong("neg")).isEqualTo(Long.MIN_VALUE);
        // 2^63 is not a long, and its nearest double prints as 9.223372036854776E18: kept as given.
        assertThat(r.typeOf("big")).isEqualTo(FieldType.DECIMAL);
        assertThat(r.getDecimal("big")).isEqualTo(new BigDecimal("9223372036854775808"));
        assertThat(r.typeOf("d")).isEqualTo(FieldType.F64);
        assertThat(r.typeOf("e")).isEqualTo(FieldType.F64);
        assertThat(r.getDouble("tiny")).isEqualTo(Double.MIN_VALUE);
        // More digits than the shortest form of its double (0.1): a decimal.
        assertThat(r.typeOf("precise")).isEqualTo(FieldType.DECIMAL);
        assertThat(r.getLong("negzero")).isZero();
        assertThat(Double.doubleToRawLongBits(r.getDouble("negzerod"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(json.toJson(r)).isEqualTo("{\"i\":9223372036854775807,\"neg\":-9223372036854775808,"
                + "\"big\":9223372036854775808,\"d\":2.0,\"e\":1000.0,\"tiny\":4.9E-324,"
                + "\"precise\":0.1000000000000000055511151231257827,"
                + "\"negzero\":0,\"negzerod\":-0.0}");
        assertThat(json.parse(dict, json.toJson(r))).isEqualTo(r);
    }

    @Test
    void unicodeEscapesAndSurrogatePairsRoundTrip() {
        String text = "{\"\u00e9\\u00e8\":\"tab\\t quote\\\" slash\\\\ nul\\u0000 \\ud83d\\ude00 \ud834\udd1e \u4e2d\","
                + "\"\":\"empty key\"}";
        Record r = json.parse(dict, text);
        assertThat(r.getString("\u00e9\u00e8")).isEqualTo("tab\t quote\" slash\\ nul\u0000 \ud83d\ude00 \ud834\udd1e \u4e2d");
        assertThat(r.getString("")).isEqualTo("empty key");
        assertThat(json.parse(dict, json.toJson(r))).isEqualTo(r);
        assertThat(json.parse(dict, json.toJsonBytes(r))).isEqualTo(r);
        assertThat(json.parse(dict, text.getBytes(StandardCharsets.UTF_8))).isEqualTo(r);
    }

    @Test
    void parsesTheObjectAtAPositionedParserAndWritesIntoAGenerator() throws Exception {
        JsonFactory factory = new JsonFactory();
        String body = "{\"id\":\"e1\",\"payload\":{\"a\":[1,{\"b\":2}],\"c\":\"d\"},\"after\":true}";
        try (JsonParser p = factory.createParser(body)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            Record payload = null;
            boolean after = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("payload")) {
                    payload = JsonStreams.parse(json, dict, p);
                    assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
                } else if (name.equals("after")) {
                    after = p.getBooleanValue();
                }
            }
            assertThat(payload.toJson()).isEqualTo("{\"a\":[1,{\"b\":2}],\"c\":\"d\"}");
            assertThat(after).isTrue();

            StringWriter out = new StringWriter();
            try (JsonGenerator g = factory.createGenerator(out)) {
                g.writeStartObject();
                g.writeFieldName("payload");
                JsonStreams.write(payload, g);
                g.writeFieldName("list");
                JsonStreams.write(payload.getArray("a"), g);
                g.writeEndObject();
            }
            assertThat(out.toString()).isEqualTo("{\"payload\":{\"a\":[1,{\"b\":2}],\"c\":\"d\"},\"list\":[1,{\"b\":2}]}");
        }
    }

    @Test
    void parseIntoReusesTheBuffer() {
        byte[] text = "  {\"a\":1}  ".getBytes(StandardCharsets.UTF_8);
        RecordBuffer buffer = RecordBuffer.create();
        int n = json.parseInto(dict, text, 0, text.length, buffer);
        assertThat(n).isEqualTo(buffer.length());
        assertThat(buffer.toRecord(dict).getLong("a")).isEqualTo(1);
    }

    @Test
    void nonFiniteDoublesFromTheBuilderBecomeStrings() {
        Record r = RecordBuilder.create(dict).put("nan", Double.NaN).put("inf", Double.NEGATIVE_INFINITY).build();
        assertThat(r.toJson()).isEqualTo("{\"nan\":\"NaN\",\"inf\":\"-Infinity\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   ",
        "[1,2]",
        "\"text\"",
        "42",
        "null",
        "{",
        "{\"a\"",
        "{\"a\":}",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{'a':1}",
        "{\"a\":01}",
        "{\"a\":1.}",
        "{\"a\":.5}",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "{\"a\":1e10000}",
        "{\"a\":-1.5e-10001}",
        "{\"a\":1e2147483648}",
        "{\"a\":tru}",
        "{\"a\":\"unterminated}",
        "{\"a\":\"bad escape \\x\"}",
        "{\"a\":\"control \u0001 char\"}",
        "{\"a\":\"lone \\ud800 surrogate\"}",
        "{\"a\":\"lone \\udc00 low\"}",
        "{\"\\ud800\":1}",
        "{\"a\":1,\"a\":2}",
        "{\"o\":{\"k\":1,\"k\":1}}",
        "{\"a\":[1,2}",
        "{\"a\":1}}",
        "{\"a\":1} {\"b\":2}",
        "{\"a\":1} x",
        "{\"a\":[1,]}",
        "{\"a\":/*comment*/1}",
    })
    void malformedJsonIsRejectedWithAPosition(String text) {
        assertThatThrownBy(() -> json.parse(dict, text)).as(text).isInstanceOf(InvalidJsonException.class)
                .hasMessageStartingWith("invalid JSON");
    }

    @Test
    void invalidUtf8BytesAreRejected() {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> json.parse(dict, bytes)).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void errorsNameTheProblemAndWhere() {
        assertThatThrownBy(() -> json.parse(dict, "{\"a\":1,\n \"a\":2}")).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("duplicate key 'a'").hasMessageContaining("line 2");
        assertThatThrownBy(() -> json.parse(dict, "[1]")).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at line 1, column 2: expected a JSON object, found an array");
        assertThatThrownBy(() -> json.parse(dict, "{\"a\":1e10000}")).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("number 1e10000 is outside the supported range: its exponent in scientific"
                        + " notation must be within -9999..9999");
        assertThatThrownBy(() -> json.parse(dict, "{\"a\":\"\\ud800\"}")).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void limitsHaveClearErrors() {
        JsonCodec strict = JsonCodec.create(JsonLimits.DEFAULTS.withMaxDepth(3).withMaxFieldsPerObject(3)
                .withMaxArrayLength(2).withMaxRecordBytes(100).withMaxNameBytes(4));
        assertThat(strict.parse(dict, "{\"a\":{\"b\":{\"c\":1}}}").getLong(FieldPath.parse("a.b.c"))).isEqualTo(1);
        assertThatThrownBy(() -> strict.parse(dict, "{\"a\":{\"b\":{\"c\":{}}}}")).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("nesting depth exceeds the limit of 3");
        assertThatThrownBy(() -> strict.parse(dict, "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}"))
                .isInstanceOf(InvalidJsonException.class).hasMessageContaining("number of fields in one object");
        assertThatThrownBy(() -> strict.parse(dict, "{\"a\":[1,2,3]}")).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("number of elements in one array exceeds the limit of 2");
        assertThatThrownBy(() -> strict.parse(dict, "{\"a\":\"" + "x".repeat(200) + "\"}"))
                .isInstanceOf(InvalidJsonException.class).hasMessageContaining("record size exceeds the limit of 100");
        assertThatThrownBy(() -> strict.parse(dict, "{\"longname\":1}")).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("field name of 8 UTF-8 bytes exceeds the limit of 4");
        assertThatThrownBy(() -> JsonLimits.DEFAULTS.withMaxDepth(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDepth must be within 1..256, got 0");
        assertThat(JsonLimits.DEFAULTS).isEqualTo(new JsonLimits(64, 1024, 65535, 1 << 20, 1024));
    }

    @Test
    void deepDocumentsWithinDefaultsParse() {
        // The top-level object is depth 1, so 64 nested objects are the default maximum.
        String deep = "{\"a\":".repeat(63) + "{}" + "}".repeat(63);
        assertThat(json.parse(dict, deep).sizeInBytes()).isPositive();
        String tooDeep = "{\"a\":".repeat(64) + "{}" + "}".repeat(64);
        assertThatThrownBy(() -> json.parse(dict, tooDeep)).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("nesting depth");
    }
}
