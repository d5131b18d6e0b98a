package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Numbers that fit neither a 64-bit integer nor a double exactly come back exactly as they were
 * sent, over real HTTP: read by id, by query, as entity state through merge patch; and views
 * filter, group and aggregate them by their exact value.
 */
class BigNumbersApiTest extends SharedServer {
    /** Reads every number exactly: integers as BigInteger, the rest as BigDecimal. */
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    /** Field and JSON text pairs: the numbers of the issue, and neighbours that stay I64 or F64. */
    private static final List<String[]> NUMBERS = List.of(
            new String[] {"n_over_u64", "18446744073709551617"},
            new String[] {"n_under_i64", "-9223372036854775809"},
            new String[] {"n_long_mantissa", "123456789012345678901234567890"},
            new String[] {"n_tiny", "1e-400"},
            new String[] {"n_huge", "1E400"},
            new String[] {"n_precise", "-0.1000000000000000055511151231257827"},
            new String[] {"n_max_i64", "9223372036854775807"},
            new String[] {"n_double", "1.5"},
            new String[] {"n_tenth", "0.1"});

    private static String payload() {
        StringBuilder sb = new StringBuilder("{");
        for (String[] n : NUMBERS) {
            sb.append('"').append(n[0]).append("\":").append(n[1]).append(',');
        }
        return sb.append("\"nested\":{\"list\":[18446744073709551617,1e-400,2]}}").toString();
    }

    private static void assertHoldsEveryNumberAsSent(String json, String context) {
        for (String[] n : NUMBERS) {
            assertThat(json).as(context).contains("\"" + n[0] + "\":" + n[1]);
        }
        assertThat(json).as(context).contains("\"list\":[18446744073709551617,1e-400,2]");
    }

    @Test
    void numbersComeBackAsSentFromEveryIngestForm() {
        String body = "{\"event_type\":\"num.t\",\"entity_id\":\"num-1\",\"payload\":" + payload()
                + ",\"metadata\":{\"m\":18446744073709551617}}";
        TestServer.Response ack = server.postJson("/api/v1/events", body);
        assertThat(ack.status()).as(ack.body()).isEqualTo(200);
        TestServer.Response read = server.get("/api/v1/events/" + ack.json().get("event_id").asText());
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertHoldsEveryNumberAsSent(read.body(), "read by id");
        assertThat(read.body()).contains("\"metadata\":{\"m\":18446744073709551617}");

        String batch = "{\"events\":[" + body.replace("num-1", "num-2") + "]}";
        assertThat(server.postJson("/api/v1/events/batch", batch).status()).isEqualTo(200);
        String ndjson = body.replace("num-1", "num-3") + "\n";
        assertThat(server.post("/api/v1/events/batch", NdjsonIngest.MEDIA_TYPE,
                ndjson.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        for (String entity : List.of("num-1", "num-2", "num-3")) {
            TestServer.Response query = server.get("/api/v1/events/query?entity_id=" + entity);
            assertThat(query.json().get("count").asInt()).as(entity).isEqualTo(1);
            assertHoldsEveryNumberAsSent(query.body(), "query " + entity);
        }
    }

    @Test
    void entityStateKeepsThemThroughMergePatch() {
        post("num.state", "num-state", "{\"s_a\":18446744073709551617,\"s_o\":{\"s_k\":1e-400,"
                + "\"s_keep\":123456789012345678901234567890}}");
        post("num.state", "num-state", "{\"s_o\":{\"s_k\":-9223372036854775809},\"s_z\":1.5}");
        TestServer.Response state = server.get("/api/v1/entities/num-state/state");
        assertThat(state.status()).as(state.body()).isEqualTo(200);
        String current = state.body().substring(state.body().indexOf("\"current_state\":"),
                state.body().indexOf(",\"history\":"));
        assertThat(current).isEqualTo("\"current_state\":{\"s_a\":18446744073709551617,"
                + "\"s_o\":{\"s_k\":-9223372036854775809,\"s_keep\":123456789012345678901234567890},\"s_z\":1.5}");
        assertThat(state.body()).contains("\"s_k\":1e-400"); // the history shows the first payload as sent
    }

    @Test
    void viewsFilterGroupAndAggregateThemByExactValue() throws InterruptedException {
        TestServer.Response created = server.postJson("/api/v1/views", "{\"name\":\"bignums\","
                + "\"event_types\":[\"big.n\"],\"where\":{\"field\":\"v\",\"op\":\">\",\"value\":9223372036854775807},"
                + "\"group_by\":[\"g\"],\"aggregates\":[{\"fn\":\"count\",\"as\":\"n\"},"
                + "{\"fn\":\"sum\",\"field\":\"v\",\"as\":\"sum\"},{\"fn\":\"min\",\"field\":\"v\",\"as\":\"min\"},"
                + "{\"fn\":\"max\",\"field\":\"v\",\"as\":\"max\"},{\"fn\":\"avg\",\"field\":\"v\",\"as\":\"avg\"}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        // 2^63 - 1 fails the filter; 2^63 as a decimal and as a double (whose shortest form is
        // 9.223372036854776E18) pass it; 1e-400 fails.
        String[][] events = {
            {"a", "18446744073709551617"}, {"a", "9223372036854775808"}, {"a", "9223372036854775807"},
            {"a", "1E400"}, {"b", "9.223372036854776E18"}, {"b", "1e-400"}, {"b", "2e19"},
        };
        long last = 0;
        for (String[] e : events) {
            last = post("big.n", "big-" + e[0], "{\"g\":\"" + e[0] + "\",\"v\":" + e[1] + "}");
        }
        JsonNode view = awaitPosition("/api/v1/views/bignums", last);
        assertThat(view.get("count").asInt()).as(view.toString()).isEqualTo(2);
        JsonNode a = view.get("rows").get(0);
        assertThat(a.get("g").asText()).isEqualTo("a");
        assertThat(a.get("n").asLong()).isEqualTo(3);
        assertThat(a.get("sum").decimalValue()).isEqualByComparingTo(
                new BigDecimal("1E400").add(new BigDecimal("27670116110564327425")));
        assertThat(a.get("min").decimalValue()).isEqualByComparingTo("9223372036854775808");
        assertThat(a.get("max").decimalValue()).isEqualByComparingTo("1E400");
        assertThat(a.get("avg").decimalValue()).isEqualByComparingTo(new BigDecimal("1E400")
                .add(new BigDecimal("27670116110564327425")).divide(BigDecimal.valueOf(3), new java.math.MathContext(401, java.math.RoundingMode.HALF_EVEN)));
        JsonNode b = view.get("rows").get(1);
        assertThat(b.get("g").asText()).isEqualTo("b");
        assertThat(b.get("n").asLong()).isEqualTo(2);
        // Doubles only: a double sum, of the numbers as sent.
        assertThat(b.get("sum").doubleValue()).isEqualTo(9.223372036854776E18 + 2e19);
        assertThat(b.get("min").doubleValue()).isEqualTo(0x1p63);
    }

    @Test
    void aNumberBeyondTheExponentBoundIsRefused() {
        TestServer.Response refused = server.postJson("/api/v1/events",
                EventApiTest.event("num.t", "num-refused", "{\"x\":1e10000}"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).contains("number 1e10000 is outside the supported range");
        assertThat(server.get("/api/v1/events/query?entity_id=num-refused").json().get("count").asInt()).isZero();
    }

    private static long post(String type, String entity, String payload) {
        TestServer.Response response = server.postJson("/api/v1/events", EventApiTest.event(type, entity, payload));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("position").asLong();
    }

    /** Views follow the log asynchronously: poll until the view has seen {@code position}. */
    private static JsonNode awaitPosition(String path, long position) throws InterruptedException {
        JsonNode view = exact(server.get(path).body());
        for (int i = 0; i < 500 && view.get("position").asLong() < position; i++) {
            Thread.sleep(10);
            view = exact(server.get(path).body());
        }
        return view;
    }

    private static JsonNode exact(String json) {
        try {
            return EXACT.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
