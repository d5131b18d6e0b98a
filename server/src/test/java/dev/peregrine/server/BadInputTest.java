package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus: every request here is wrong in one way. Each must get a 4xx with a JSON
 * error that names the problem, and must leave the store exactly as it was.
 */
class BadInputTest extends SharedServer {
    @BeforeAll
    static void start() {
        // Some existing content, so that "unchanged" is checked against more than an empty store.
        assertThat(server.postJson("/api/v1/events", EventApiTest.event("seed.created", "seed-1", "{\"a\":1}")).status())
                .isEqualTo(200);
        assertThat(server.postJson("/api/v1/events", EventApiTest.event("seed.updated", "seed-1", "{\"a\":2}")).status())
                .isEqualTo(200);
    }

    /** One bad request: where it goes, what it carries, the status and a fragment of the message. */
    record Case(String name, String path, String contentType, byte[] body, int status, String messageFragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case post(String name, String body, int status, String fragment) {
        return new Case(name, "/api/v1/events", "application/json", body.getBytes(StandardCharsets.UTF_8), status, fragment);
    }

    static Case get(String name, String pathAndQuery, int status, String fragment) {
        return new Case(name, pathAndQuery, null, null, status, fragment);
    }

    static String withPayload(String payload) {
        return "{\"event_type\":\"bad.t\",\"entity_id\":\"bad-1\",\"payload\":" + payload + "}";
    }

    static Stream<Arguments> corpus() {
        List<Case> cases = new ArrayList<>();
        // Malformed and truncated JSON.
        cases.add(post("truncated object", "{\"event_type\":\"bad.t\",", 400, "malformed JSON"));
        cases.add(post("lone brace", "{", 400, "malformed JSON"));
        cases.add(post("empty body", "", 400, "empty"));
        cases.add(post("not JSON at all", "hello", 400, "malformed JSON"));
        cases.add(post("truncated string", "{\"event_type\":\"bad", 400, "malformed JSON"));
        cases.add(post("single quotes", "{'event_type':'bad.t'}", 400, "malformed JSON"));
        cases.add(post("trailing garbage", withPayload("{}") + " extra", 400, "malformed JSON"));
        cases.add(post("two documents", withPayload("{}") + withPayload("{}"), 400, "after the JSON document"));
        cases.add(post("array instead of object", "[1,2,3]", 400, "JSON object"));
        cases.add(post("duplicate field", "{\"event_type\":\"bad.t\",\"entity_id\":\"a\",\"entity_id\":\"b\",\"payload\":{}}",
                400, "Duplicate field"));
        // Wrong types and missing fields.
        cases.add(post("event_type number", "{\"event_type\":5,\"entity_id\":\"bad-1\",\"payload\":{}}", 400, "'event_type' must be a string"));
        cases.add(post("entity_id null", "{\"event_type\":\"bad.t\",\"entity_id\":null,\"payload\":{}}", 400, "'entity_id' must be a string"));
        cases.add(post("payload string", withPayload("\"text\""), 400, "'payload' must be a JSON object"));
        cases.add(post("payload array", withPayload("[1]"), 400, "'payload' must be a JSON object"));
        cases.add(post("metadata array", "{\"event_type\":\"bad.t\",\"entity_id\":\"bad-1\",\"payload\":{},\"metadata\":[1]}",
                400, "'metadata' must be a JSON object"));
        cases.add(post("missing payload", "{\"event_type\":\"bad.t\",\"entity_id\":\"bad-1\"}", 400, "missing field 'payload'"));
        cases.add(post("missing entity_id", "{\"event_type\":\"bad.t\",\"payload\":{}}", 400, "missing field 'entity_id'"));
        cases.add(post("missing event_type", "{\"entity_id\":\"bad-1\",\"payload\":{}}", 400, "missing field 'event_type'"));
        cases.add(post("empty entity_id", "{\"event_type\":\"bad.t\",\"entity_id\":\"\",\"payload\":{}}", 400, "must not be empty"));
        cases.add(post("bad event_id", "{\"event_id\":\"123\",\"event_type\":\"bad.t\",\"entity_id\":\"bad-1\",\"payload\":{}}",
                400, "not a UUID"));
        cases.add(post("expected_version negative", withPayload("{}").replace("}", "") + "},\"expected_version\":-1}", 400, "negative"));
        cases.add(post("expected_version word", "{\"event_type\":\"bad.t\",\"entity_id\":\"bad-1\",\"payload\":{},\"expected_version\":\"maybe\"}",
                400, "expected_version"));
        cases.add(post("expected_version fraction", "{\"event_type\":\"bad.t\",\"entity_id\":\"bad-1\",\"payload\":{},\"expected_version\":1.5}",
                400, "expected_version"));
        cases.add(post("event_type over 128 characters", "{\"event_type\":\"" + "t".repeat(129) + "\",\"entity_id\":\"bad-1\",\"payload\":{}}",
                400, "'event_type' is 129 characters long"));
        cases.add(post("event_type empty", "{\"event_type\":\"\",\"entity_id\":\"bad-1\",\"payload\":{}}", 400, "'event_type' must not be empty"));
        cases.add(post("event_type reserved", "{\"event_type\":\"$tombstone\",\"entity_id\":\"bad-1\",\"payload\":{}}", 400, "event_type: '$tombstone' is reserved"));
        // Huge numbers.
        cases.add(post("expected_version beyond i64", "{\"event_type\":\"bad.t\",\"entity_id\":\"bad-1\",\"payload\":{},"
                + "\"expected_version\":99999999999999999999999}", 400, "expected_version"));
        cases.add(post("2000-digit number", withPayload("{\"n\":" + "9".repeat(2000) + "}"), 400, "Number value length"));
        cases.add(post("number beyond the decimal exponent range", withPayload("{\"n\":1e10000}"), 400,
                "outside the supported range"));
        // Deep nesting.
        cases.add(post("nesting 200 deep", withPayload("{\"a\":".repeat(200) + "1" + "}".repeat(200)), 400, "nesting depth"));
        cases.add(post("arrays 200 deep", withPayload("{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}"), 400, "nesting depth"));
        // Sizes.
        cases.add(post("10 MB string", withPayload("{\"s\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}"), 413, "exceeds the limit"));
        cases.add(post("entity_id over 128 characters", "{\"event_type\":\"bad.t\",\"entity_id\":\"" + "e".repeat(129)
                + "\",\"payload\":{}}", 400, "limit is 128"));
        // Control characters in ids, escaped and raw.
        cases.add(post("escaped control character in entity_id",
                "{\"event_type\":\"bad.t\",\"entity_id\":\"a\\u0001b\",\"payload\":{}}", 400, "control character U+0001"));
        cases.add(post("escaped NUL in event_type",
                "{\"event_type\":\"bad\\u0000t\",\"entity_id\":\"bad-1\",\"payload\":{}}", 400, "control character U+0000"));
        cases.add(post("raw newline inside a string",
                "{\"event_type\":\"bad.t\",\"entity_id\":\"a\nb\",\"payload\":{}}", 400, "malformed JSON"));
        // Invalid UTF-8.
        ByteArrayOutputStream invalidUtf8 = new ByteArrayOutputStream();
        invalidUtf8.writeBytes("{\"event_type\":\"bad.t\",\"entity_id\":\"a".getBytes(StandardCharsets.UTF_8));
        invalidUtf8.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
        invalidUtf8.writeBytes("\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8));
        cases.add(new Case("invalid UTF-8", "/api/v1/events", "application/json", invalidUtf8.toByteArray(), 400, "UTF-8"));
        ByteArrayOutputStream invalidUtf8Payload = new ByteArrayOutputStream();
        invalidUtf8Payload.writeBytes("{\"event_type\":\"bad.t\",\"entity_id\":\"bad-1\",\"payload\":{\"s\":\"".getBytes(StandardCharsets.UTF_8));
        invalidUtf8Payload.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
        invalidUtf8Payload.writeBytes("\"}}".getBytes(StandardCharsets.UTF_8));
        cases.add(new Case("invalid UTF-8 in payload", "/api/v1/events", "application/json", invalidUtf8Payload.toByteArray(), 400, "UTF-8"));
        // Content types.
        cases.add(new Case("text/plain body", "/api/v1/events", "text/plain", withPayload("{}").getBytes(StandardCharsets.UTF_8),
                415, "Content-Type must be application/json"));
        cases.add(new Case("no content type", "/api/v1/events", null, withPayload("{}").getBytes(StandardCharsets.UTF_8),
                415, "the request has none"));
        // Batches: one bad event fails all; sizes.
        cases.add(new Case("batch with one bad event", "/api/v1/events/batch", "application/json",
                ("{\"events\":[" + withPayload("{}") + ",{\"event_type\":\"bad.t\",\"entity_id\":\"bad-2\",\"payload\":7}]}")
                        .getBytes(StandardCharsets.UTF_8), 400, "events[1]: 'payload' must be a JSON object"));
        cases.add(new Case("batch that is not a list", "/api/v1/events/batch", "application/json",
                "{\"events\":{}}".getBytes(StandardCharsets.UTF_8), 400, "'events' must be an array"));
        cases.add(new Case("empty batch", "/api/v1/events/batch", "application/json",
                "{\"events\":[]}".getBytes(StandardCharsets.UTF_8), 400, "empty"));
        cases.add(new Case("batch over 10,000 events", "/api/v1/events/batch", "application/json",
                ("{\"events\":[" + String.join(",", java.util.Collections.nCopies(10_001, withPayload("{}"))) + "]}")
                        .getBytes(StandardCharsets.UTF_8), 413, "--max-batch-events"));
        cases.add(new Case("NDJSON with a bad first line", "/api/v1/events/batch", "application/x-ndjson",
                ("{nope}\n" + withPayload("{}") + "\n").getBytes(StandardCharsets.UTF_8), 400, "line 1"));
        cases.add(new Case("NDJSON line that is an array", "/api/v1/events/batch", "application/x-ndjson",
                "[1]\n".getBytes(StandardCharsets.UTF_8), 400, "line 1: the line must be a JSON object"));
        // Query parameters.
        cases.add(get("since not a time", "/api/v1/events/query?since=yesterday", 400, "'since' is not an RFC 3339 timestamp"));
        cases.add(get("as_of month 13", "/api/v1/events/query?as_of=2024-13-01T00:00:00Z", 400, "'as_of'"));
        cases.add(get("until without offset", "/api/v1/events/query?until=2024-01-15T10:00:00", 400, "'until'"));
        cases.add(get("state as_of as epoch", "/api/v1/entities/seed-1/state?as_of=1700000000", 400, "'as_of'"));
        cases.add(get("negative limit", "/api/v1/events/query?limit=-1", 400, "'limit' must be within 1..10000"));
        cases.add(get("zero limit", "/api/v1/events/query?limit=0", 400, "'limit'"));
        cases.add(get("limit over the maximum", "/api/v1/events/query?limit=10001", 400, "'limit'"));
        cases.add(get("limit not a number", "/api/v1/events/query?limit=ten", 400, "'limit' must be an integer"));
        cases.add(get("negative offset", "/api/v1/events/query?offset=-5", 400, "'offset'"));
        cases.add(get("negative from_position", "/api/v1/events/query?from_position=-1", 400, "'from_position'"));
        cases.add(get("empty entity_id parameter", "/api/v1/events/query?entity_id=", 400, "'entity_id' is empty"));
        cases.add(get("garbage cursor", "/api/v1/events/query?cursor=%21%21%21", 400, "cursor"));
        cases.add(get("invalid UTF-8 in entity path", "/api/v1/entities/a%C3%28/state", 400, "UTF-8"));
        return cases.stream().map(c -> Arguments.of(c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void badInputIsRefusedAndWritesNothing(Case bad) {
        JsonNode before = EventApiTestSupport.stats(server);
        TestServer.Response response = bad.body() == null ? server.get(bad.path())
                : server.post(bad.path(), bad.contentType(), bad.body());
        assertThat(response.status()).as("%s → %s", bad.name(), response).isEqualTo(bad.status());
        JsonNode error = response.json().get("error");
        assertThat(error).as(response.body()).isNotNull();
        assertThat(error.asText()).as(bad.name()).isNotBlank().contains(bad.messageFragment());
        JsonNode after = EventApiTestSupport.stats(server);
        assertThat(after.get("total_events")).isEqualTo(before.get("total_events"));
        assertThat(after.get("last_position")).isEqualTo(before.get("last_position"));
        assertThat(server.get("/api/v1/events/query?entity_id=bad-1").json().get("count").asInt()).isZero();
        assertThat(server.get("/health").status()).isEqualTo(200);
    }
}
