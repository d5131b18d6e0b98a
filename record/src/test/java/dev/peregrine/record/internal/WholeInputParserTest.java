package dev.peregrine.record.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The non-blocking parser over a whole input behaves as Jackson's blocking byte parser does. */
class WholeInputParserTest {

    private static final JsonFactory PLAIN = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();
    private static final JsonFactory BLOCKING = new JsonFactory();

    private static List<String> tokens(JsonParser parser) throws IOException {
        List<String> out = new ArrayList<>();
        try (parser) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                out.add(t + (t.isScalarValue() || t == JsonToken.FIELD_NAME ? "=" + parser.getText() : ""));
            }
        }
        return out;
    }

    private static List<String> tokens(JsonFactory factory, String json, boolean whole) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return tokens(whole ? WholeInputParser.over(factory, bytes, 0, bytes.length) : factory.createParser(bytes));
    }

    @Test
    void givesTheTokensOfTheBlockingParserWithNoNotAvailableInBetween() throws IOException {
        long seed = Long.getLong("parser.seed", System.nanoTime() % 100_000);
        Random random = new Random(seed);
        String[] pieces = {"1", "-12", "3.5e7", "\"s\\u00e9\"", "true", "null", "[]", "{}", "\"\"", "-0.0", "123456789012"};
        for (int doc = 0; doc < 2000; doc++) {
            StringBuilder json = new StringBuilder(random.nextBoolean() ? "  {" : "{");
            for (int i = 0, n = random.nextInt(6); i < n; i++) {
                json.append(i == 0 ? "" : ",").append("\"k").append(random.nextInt(100)).append(i).append("\":")
                        .append(random.nextBoolean() ? pieces[random.nextInt(pieces.length)]
                                : "[" + pieces[random.nextInt(pieces.length)] + "," + pieces[random.nextInt(pieces.length)] + "]");
            }
            json.append(random.nextBoolean() ? "} \n" : "}");
            String text = json.toString();
            assertThat(tokens(PLAIN, text, true)).as("seed %d: %s", seed, text).isEqualTo(tokens(BLOCKING, text, false));
        }
        assertThat(tokens(PLAIN, "17", true)).containsExactly("VALUE_NUMBER_INT=17"); // a number that ends the input
    }

    @Test
    void refusesWhatTheBlockingParserRefuses() {
        byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> tokens(WholeInputParser.over(PLAIN, badUtf8, 0, badUtf8.length)))
                .hasMessageContaining("Invalid UTF-8");
        for (String huge : List.of("9".repeat(2000), "-" + "9".repeat(1001), "0." + "1".repeat(1200))) {
            assertThatThrownBy(() -> tokens(PLAIN, "{\"a\":" + huge + "}", true))
                    .isInstanceOf(StreamConstraintsException.class).hasMessageContaining("Number value length");
        }
        assertThatThrownBy(() -> tokens(PLAIN, "{\"a\":1", true)).hasMessageContaining("end-of-input");
    }
}
