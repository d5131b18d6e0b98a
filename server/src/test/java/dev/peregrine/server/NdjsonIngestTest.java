package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streamed NDJSON bulk ingest: many chunks, bounded memory, and its documented partial-failure rule. */
class NdjsonIngestTest {
    @TempDir
    Path data;

    static String line(int i) {
        return "{\"event_type\":\"bulk.t\",\"entity_id\":\"bulk-" + (i % 100) + "\",\"payload\":{\"index\":" + i
                + ",\"data\":\"payload\"}}\n";
    }

    /** A body generated on the fly and sent chunked (no Content-Length), as a streaming client does. */
    static HttpRequest.BodyPublisher streamed(int events, Supplier<String> badLineAt, int badIndex) {
        Iterator<InputStream> parts = new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < events;
            }

            @Override
            public InputStream next() {
                StringBuilder block = new StringBuilder();
                for (int i = 0; i < 1000 && next < events; i++, next++) {
                    block.append(next == badIndex ? badLineAt.get() : line(next));
                }
                return new ByteArrayInputStream(block.toString().getBytes(StandardCharsets.UTF_8));
            }
        };
        java.util.Enumeration<InputStream> enumeration = new java.util.Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return parts.hasNext();
            }

            @Override
            public InputStream nextElement() {
                return parts.next();
            }
        };
        return HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(enumeration));
    }

    @Test
    void largeStreamedLoadIsStoredCompletelyAndInOrder() {
        int events = 50_000;
        try (TestServer server = new TestServer(data, b -> b.limits(new ServerLimits(64 * 1024, 100, 128, 10_000, 64, 1_000)))) {
            TestServer.Response response = server.send(HttpRequest.newBuilder(server.uri("/api/v1/events/batch"))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(streamed(events, null, -1)));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonNode body = response.json();
            assertThat(body.get("ingested").asLong()).isEqualTo(events);
            assertThat(body.get("first_position").asLong()).isEqualTo(1);
            assertThat(body.get("last_position").asLong()).isEqualTo(events);
            assertThat(EventApiTestSupport.stats(server).get("total_events").asLong()).isEqualTo(events);
            JsonNode last = server.get("/api/v1/events/query?from_position=" + events).json();
            assertThat(last.get("events").get(0).get("payload").get("index").asInt()).isEqualTo(events - 1);
            JsonNode entity = server.get("/api/v1/events/query?entity_id=bulk-7&limit=10000").json();
            assertThat(entity.get("count").asInt()).isEqualTo(events / 100);
        }
    }

    @Test
    void badLineStoresTheLinesBeforeItAndNothingAfter() {
        int events = 5_000;
        int bad = 3_500;
        try (TestServer server = new TestServer(data, b -> b.limits(new ServerLimits(64 * 1024, 100, 128, 10_000, 64, 1_000)))) {
            TestServer.Response response = server.send(HttpRequest.newBuilder(server.uri("/api/v1/events/batch"))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(streamed(events, () -> "{\"event_type\":\"bulk.t\",\"entity_id\":\"x\",\"payload\":3}\n", bad)));
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            JsonNode body = response.json();
            assertThat(body.get("line").asLong()).isEqualTo(bad + 1);
            assertThat(body.get("ingested").asLong()).isEqualTo(bad);
            assertThat(body.get("error").asText()).startsWith("line " + (bad + 1) + ": ").contains("'payload'");
            assertThat(EventApiTestSupport.stats(server).get("total_events").asLong()).isEqualTo(bad);
        }
    }

    @Test
    void overlongLineIsRefusedWith413() {
        try (TestServer server = new TestServer(data, b -> b.limits(new ServerLimits(1024, 100, 128, 10_000, 64, 1_000)))) {
            String body = line(0) + "{\"event_type\":\"bulk.t\",\"entity_id\":\"x\",\"payload\":{\"s\":\"" + "y".repeat(5000)
                    + "\"}}\n" + line(2);
            TestServer.Response response = server.post("/api/v1/events/batch", "application/x-ndjson",
                    body.getBytes(StandardCharsets.UTF_8));
            assertThat(response.status()).as(response.body()).isEqualTo(413);
            assertThat(response.json().get("line").asLong()).isEqualTo(2);
            assertThat(response.json().get("ingested").asLong()).isEqualTo(1);
        }
    }

    @Test
    void crlfAndBlankLinesAndMissingFinalNewlineAreAccepted() {
        try (TestServer server = new TestServer(data)) {
            String body = line(0).replace("\n", "\r\n") + "\n   \n" + line(1).trim();
            TestServer.Response response = server.post("/api/v1/events/batch", "application/x-ndjson",
                    body.getBytes(StandardCharsets.UTF_8));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().get("ingested").asLong()).isEqualTo(2);
        }
    }
}
