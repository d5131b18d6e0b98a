package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Body limits on bodies that do not declare their length, and content types of every POST. */
class BodyLimitTest extends SharedServer {

    @Test
    void chunkedBodyOverTheLimitIs413AndWritesNothing() {
        long before = EventApiTestSupport.stats(server).get("total_events").asLong();
        byte[] big = ("{\"event_type\":\"big.t\",\"entity_id\":\"big\",\"payload\":{\"s\":\""
                + "z".repeat(ServerLimits.DEFAULT_MAX_BODY_BYTES + 10) + "\"}}").getBytes(StandardCharsets.UTF_8);
        // ofInputStream has no known length: the body goes out chunked, checked as it arrives.
        TestServer.Response response = server.send(HttpRequest.newBuilder(server.uri("/api/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("error").asText()).contains("--max-body-bytes");
        assertThat(EventApiTestSupport.stats(server).get("total_events").asLong()).isEqualTo(before);
        // The connection was closed after the refusal; the next request opens a new one and works.
        assertThat(server.get("/health").status()).isEqualTo(200);
    }

    @Test
    void everyJsonEndpointRequiresJson() {
        for (String path : new String[] {"/api/v1/events", "/api/v1/snapshots", "/api/v1/views"}) {
            TestServer.Response response = server.post(path, "text/plain", "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(response.status()).as(path).isEqualTo(415);
        }
        TestServer.Response batch = server.post("/api/v1/events/batch", "text/csv", "a,b".getBytes(StandardCharsets.UTF_8));
        assertThat(batch.status()).isEqualTo(415);
        assertThat(batch.json().get("error").asText()).contains("application/json or application/x-ndjson");
        TestServer.Response charset = server.post("/api/v1/events", "application/json; charset=utf-8",
                EventApiTest.event("charset.t", "charset-1", "{}").getBytes(StandardCharsets.UTF_8));
        assertThat(charset.status()).as(charset.body()).isEqualTo(200);
    }
}
