package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SSE and WebSocket subscriptions: catch-up, live delivery, resume, filters, slow clients. */
class StreamingTest extends SharedServer {

    /** An open SSE stream read line by line. */
    static final class Sse implements AutoCloseable {
        final InputStream body;
        final BufferedReader reader;

        Sse(String query, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/api/v1/events/subscribe" + query))
                    .timeout(Duration.ofSeconds(60));
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> response = server.client().send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            body = response.body();
            reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        /** The next event message: its id and data, skipping comments. */
        JsonNode next() throws Exception {
            String id = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    JsonNode event = TestServer.MAPPER.readTree(line.substring(6));
                    assertThat(id).isEqualTo(event.get("position").asText());
                    return event;
                }
            }
            throw new AssertionError("the stream ended");
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }

    static long post(String entity, int i) {
        TestServer.Response response = server.postJson("/api/v1/events",
                EventApiTest.event("stream.t", entity, "{\"i\":" + i + "}"));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("position").asLong();
    }

    @Test
    void sseCatchesUpGoesLiveAndResumesAfterLastEventId() throws Exception {
        List<Long> posted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            posted.add(post("sse-1", i));
        }
        post("sse-other", 99);
        List<Long> received = new ArrayList<>();
        try (Sse sse = new Sse("?entity_id=sse-1&from_position=1", null)) {
            for (int i = 0; i < 3; i++) {
                received.add(sse.next().get("position").asLong());
            }
            for (int i = 3; i < 5; i++) {
                posted.add(post("sse-1", i));
            }
            for (int i = 3; i < 5; i++) {
                JsonNode event = sse.next();
                assertThat(event.get("payload").get("i").asInt()).isEqualTo(i);
                received.add(event.get("position").asLong());
            }
        }
        // Disconnected: these happen while nobody listens.
        for (int i = 5; i < 8; i++) {
            posted.add(post("sse-1", i));
        }
        try (Sse resumed = new Sse("?entity_id=sse-1", Long.toString(received.getLast()))) {
            for (int i = 5; i < 8; i++) {
                JsonNode event = resumed.next();
                assertThat(event.get("payload").get("i").asInt()).isEqualTo(i);
                received.add(event.get("position").asLong());
            }
        }
        assertThat(received).isEqualTo(posted);
    }

    @Test
    void sseWithoutStartBeginsWithTheNextEvent() throws Exception {
        post("sse-now", 0);
        try (Sse sse = new Sse("?entity_id=sse-now", null)) {
            long next = post("sse-now", 1);
            assertThat(sse.next().get("position").asLong()).isEqualTo(next);
        }
    }

    @Test
    void slowSseClientReceivesEveryEventInOrder() throws Exception {
        int events = 20_000;
        try (Sse sse = new Sse("?event_type=slow.t", null)) {
            StringBuilder ndjson = new StringBuilder();
            for (int i = 0; i < events; i++) {
                ndjson.append("{\"event_type\":\"slow.t\",\"entity_id\":\"slow-").append(i % 10)
                        .append("\",\"payload\":{\"i\":").append(i).append(",\"pad\":\"").append("p".repeat(200)).append("\"}}\n");
            }
            // The client reads nothing while 20,000 events (over 5 MB of SSE) are appended.
            TestServer.Response load = server.post("/api/v1/events/batch", "application/x-ndjson",
                    ndjson.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(load.status()).as(load.body()).isEqualTo(200);
            assertThat(server.get("/metrics").body()).contains("peregrine_subscribers 1");
            long previous = 0;
            for (int i = 0; i < events; i++) {
                JsonNode event = sse.next();
                assertThat(event.get("payload").get("i").asInt()).isEqualTo(i);
                assertThat(event.get("position").asLong()).isGreaterThan(previous);
                previous = event.get("position").asLong();
            }
        }
    }

    @Test
    void badStreamParametersAreJson400() {
        TestServer.Response badId = server.send(HttpRequest.newBuilder(server.uri("/api/v1/events/subscribe"))
                .header("Last-Event-ID", "yesterday").GET());
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().get("error").asText()).contains("Last-Event-ID");
        TestServer.Response badFrom = server.get("/api/v1/events/subscribe?from_position=0");
        assertThat(badFrom.status()).isEqualTo(400);
        TestServer.Response notUpgrade = server.get("/api/v1/events/stream");
        assertThat(notUpgrade.status()).isEqualTo(400);
        assertThat(notUpgrade.json().get("error").asText()).contains("WebSocket");
    }

    @Test
    void webSocketFilterMessageSelectsEvents() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = server.client().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/events/stream?entity_id=nobody"),
                        new Collector(frames))
                .get(10, TimeUnit.SECONDS);
        post("ws-b", 0);
        socket.sendText("{\"entity_id\":\"ws-a\"}", true).get(10, TimeUnit.SECONDS);
        long a1 = post("ws-a", 1);
        post("ws-b", 2);
        long a2 = post("ws-a", 3);
        JsonNode first = TestServer.MAPPER.readTree(frames.poll(10, TimeUnit.SECONDS));
        JsonNode second = TestServer.MAPPER.readTree(frames.poll(10, TimeUnit.SECONDS));
        assertThat(first.get("position").asLong()).isEqualTo(a1);
        assertThat(second.get("position").asLong()).isEqualTo(a2);
        assertThat(EventApiTestSupport.names(first)).contains("id", "event_type", "entity_id", "payload", "position");

        socket.sendText("{\"entity_id\":5}", true).get(10, TimeUnit.SECONDS);
        JsonNode error = TestServer.MAPPER.readTree(frames.poll(10, TimeUnit.SECONDS));
        assertThat(error.get("error").asText()).contains("'entity_id' must be a non-empty string");
        long a3 = post("ws-a", 4);
        assertThat(TestServer.MAPPER.readTree(frames.poll(10, TimeUnit.SECONDS)).get("position").asLong()).isEqualTo(a3);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    /** Collects whole text frames. */
    static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<String> frames;
        private final StringBuilder partial = new StringBuilder();

        Collector(BlockingQueue<String> frames) {
            this.frames = frames;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
