package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of error about one event of a batch names the event, whoever finds it (the request
 * parser, the JSON parser's limits, the store's validation): {@code events[4]: …} with
 * {@code "index": 4} in a JSON batch, {@code line 5: …} with {@code "line": 5} in NDJSON, and the
 * message without the location as {@code "problem"}. And the JSON depth limit holds for every body.
 */
class ErrorLocationTest extends SharedServer {
    /** The position of the bad event in every batch below. */
    private static final int BAD = 4;

    /** One wrong event: what it is, and a fragment of the error it must cause. */
    record BadEvent(String name, String json, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadEvent> badEvents() {
        String nested = "{\"a\":".repeat(70) + "1" + "}".repeat(70);
        return Stream.of(
                new BadEvent("payload a number", "{\"event_type\":\"loc.t\",\"entity_id\":\"loc-bad\",\"payload\":7}",
                        "'payload' must be a JSON object"),
                new BadEvent("event a number", "7", "must be a JSON object"),
                new BadEvent("missing entity_id", "{\"event_type\":\"loc.t\",\"payload\":{}}", "missing field 'entity_id'"),
                new BadEvent("entity_id too long", EventApiTest.event("loc.t", "e".repeat(129), "{}"), "limit is 128"),
                new BadEvent("bad event_id", "{\"event_id\":\"nope\",\"event_type\":\"loc.t\",\"entity_id\":\"loc-bad\",\"payload\":{}}",
                        "not a UUID"),
                new BadEvent("control character", EventApiTest.event("loc.t", "a\\u0007b", "{}"), "control character"),
                new BadEvent("payload nested too deep", EventApiTest.event("loc.t", "loc-bad", nested), "nesting depth"),
                new BadEvent("malformed JSON inside the event", "{\"event_type\":\"loc.t\",,\"entity_id\":\"x\"}", "malformed JSON"),
                new BadEvent("duplicate field", "{\"event_type\":\"loc.t\",\"event_type\":\"loc.u\",\"entity_id\":\"x\",\"payload\":{}}",
                        "Duplicate field"),
                // Found by the store's validation, after parsing:
                new BadEvent("reserved event_type", EventApiTest.event("$tombstone", "loc-bad", "{}"),
                        "event_type: '$tombstone' is reserved"),
                new BadEvent("unpaired surrogate", EventApiTest.event("loc.t", "a\\ud800b", "{}"), "unpaired surrogate"),
                new BadEvent("payload over the record limit", EventApiTest.event("loc.t", "loc-bad",
                        "{\"s\":\"" + "p".repeat(1_500_000) + "\"}"), "exceeds the limit"),
                new BadEvent("payload and metadata over the store's limit", "{\"event_type\":\"loc.t\",\"entity_id\":\"loc-bad\","
                        + "\"payload\":{\"s\":\"" + "p".repeat(600_000) + "\"},\"metadata\":{\"s\":\"" + "m".repeat(600_000) + "\"}}",
                        "payload and metadata are"));
    }

    static String good(int i) {
        return EventApiTest.event("loc.t", "loc-" + i, "{\"i\":" + i + "}");
    }

    static long totalEvents() {
        return EventApiTestSupport.stats(server).get("total_events").asLong();
    }

    static void assertLocated(JsonNode error, String location, String field, long value, String fragment) {
        String message = error.get("error").asText();
        assertThat(message).startsWith(location + ": ").contains(fragment);
        assertThat(error.get(field).asLong()).as(error.toString()).isEqualTo(value);
        assertThat(error.get("problem").asText()).isEqualTo(message.substring(location.length() + 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void aBadEventOfAJsonBatchIsNamedByItsIndex(BadEvent bad) {
        long before = totalEvents();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            events.add(i == BAD ? bad.json() : good(i));
        }
        TestServer.Response response = server.postJson("/api/v1/events/batch", "{\"events\":[" + String.join(",", events) + "]}");
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertLocated(response.json(), "events[" + BAD + "]", "index", BAD, bad.fragment());
        assertThat(totalEvents()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void aBadLineOfAnNdjsonLoadIsNamedByItsLineAndTheLinesBeforeItAreStored(BadEvent bad) {
        long before = totalEvents();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            body.append(i == BAD ? bad.json() : good(i)).append('\n');
        }
        TestServer.Response response = server.post("/api/v1/events/batch", NdjsonIngest.MEDIA_TYPE,
                body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertLocated(response.json(), "line " + (BAD + 1), "line", BAD + 1, bad.fragment());
        assertThat(response.json().get("ingested").asLong()).isEqualTo(BAD);
        assertThat(totalEvents()).isEqualTo(before + BAD);
    }

    @Test
    void aSingleEventIsNotGivenALocation() {
        TestServer.Response response = server.postJson("/api/v1/events", EventApiTest.event("$tombstone", "loc-single", "{}"));
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).startsWith("event_type: ");
        assertThat(response.json().has("index")).isFalse();
    }

    static String viewNested(int depth) {
        return "{\"name\":\"deep-" + depth + "\",\"where\":" + "{\"not\":".repeat(depth)
                + "{\"field\":\"a\",\"op\":\"exists\"}" + "}".repeat(depth) + "}";
    }

    @Test
    void theJsonDepthLimitHoldsForViewDefinitionsToo() {
        TestServer.Response deep = server.postJson("/api/v1/views", viewNested(100));
        assertThat(deep.status()).as(deep.body()).isEqualTo(400);
        assertThat(deep.json().get("error").asText()).contains("nesting depth");
        assertThat(server.get("/api/v1/views/deep-100").status()).isEqualTo(404);
        TestServer.Response shallow = server.postJson("/api/v1/views", viewNested(10));
        assertThat(shallow.status()).as(shallow.body()).isEqualTo(200);
    }
}
