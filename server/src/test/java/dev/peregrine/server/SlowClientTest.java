package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header and body timeouts, configured short (300 ms) so that the tests are quick: a client
 * that is too slow gets its connection closed (with a 408 when an answer is still possible), while
 * streams that are quiet by nature stay open. Nothing here measures how fast that happens: every
 * wait is bounded by {@link RawHttp#READ_TIMEOUT_MILLIS}, far beyond the timeouts.
 */
class SlowClientTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(data, b -> b.headerTimeout(TIMEOUT).bodyTimeout(TIMEOUT));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A request over its own connection, closed by the server after the answer. */
    static RawHttp.Response request(String head, String body) {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send(head + "Connection: close\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body);
            return raw.response();
        }
    }

    static long totalEvents() {
        return request("GET /api/v1/stats HTTP/1.1\r\nHost: localhost\r\n", "").json().get("total_events").asLong();
    }

    @Test
    void aHeadSentOneByteAtATimeIsCutOff() throws InterruptedException {
        try (RawHttp raw = new RawHttp(server.port())) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread trickle = Thread.ofVirtual().start(() -> {
                // A slowloris client: a valid head that never ends, one byte every 50 ms.
                byte[] head = ("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "x".repeat(10_000))
                        .getBytes(StandardCharsets.UTF_8);
                try {
                    for (int i = 0; i < head.length && !stop.get(); i++) {
                        raw.send(new byte[] {head[i]});
                        Thread.sleep(50);
                    }
                } catch (RuntimeException | InterruptedException e) {
                    // The server closed the connection: the point of the test.
                }
            });
            assertThat(raw.closedByServer(1)).isTrue();
            stop.set(true);
            trickle.join();
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() {
        try (RawHttp raw = new RawHttp(server.port())) {
            assertThat(raw.closedByServer(1)).isTrue();
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterItsAnswer() {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(raw.response().status()).isEqualTo(200);
            raw.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(raw.response().status()).as("a second request on the same connection").isEqualTo(200);
            assertThat(raw.closedByServer(1)).isTrue();
        }
    }

    @Test
    void aStalledBodyIs408AndClosed() {
        long before = totalEvents();
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 200\r\n\r\n{\"event_type\":\"slow.t\",");
            RawHttp.Response response = raw.response();
            assertThat(response.status()).as(response.toString()).isEqualTo(408);
            assertThat(response.json().get("error").asText()).contains("stalled").contains("--body-timeout-ms");
            assertThat(raw.closedByServer(1)).isTrue();
        }
        try (RawHttp raw = new RawHttp(server.port())) {
            // NDJSON: two complete lines, then nothing; neither is stored, the load never completed.
            String lines = EventApiTest.event("slow.t", "slow-1", "{}") + "\n" + EventApiTest.event("slow.t", "slow-2", "{}") + "\n";
            raw.send("POST /api/v1/events/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(lines.length()) + "\r\n" + lines + "\r\n");
            RawHttp.Response response = raw.response();
            assertThat(response.status()).as(response.toString()).isEqualTo(408);
            assertThat(raw.closedByServer(1)).isTrue();
        }
        assertThat(totalEvents()).isEqualTo(before);
    }

    @Test
    void aBodyRefusedEarlyThatThenStallsIsClosed() {
        try (RawHttp raw = new RawHttp(server.port())) {
            // Answered at once (415), but the body announced never comes: the connection cannot be reused.
            raw.send("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 200\r\n\r\nabc");
            assertThat(raw.response().status()).isEqualTo(415);
            assertThat(raw.closedByServer(1)).isTrue();
        }
    }

    @Test
    void subscriptionsOutliveTheTimeouts() throws Exception {
        try (RawHttp sse = new RawHttp(server.port())) {
            sse.send("GET /api/v1/events/subscribe?entity_id=quiet-1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            sse.readUntil(": subscribed");
            Thread.sleep(4 * TIMEOUT.toMillis()); // quiet for longer than both timeouts
            RawHttp.Response appended = request("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\n", EventApiTest.event("quiet.t", "quiet-1", "{\"n\":1}"));
            assertThat(appended.status()).as(appended.toString()).isEqualTo(200);
            assertThat(sse.readUntil("\"entity_id\":\"quiet-1\"")).contains("data: ");
        }
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/events/stream?entity_id=quiet-2"),
                        new StreamingTest.Collector(frames))
                .get(10, TimeUnit.SECONDS);
        Thread.sleep(4 * TIMEOUT.toMillis());
        RawHttp.Response appended = request("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\n", EventApiTest.event("quiet.t", "quiet-2", "{\"n\":2}"));
        assertThat(appended.status()).as(appended.toString()).isEqualTo(200);
        String frame = frames.poll(RawHttp.READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(frame).as("an event on the WebSocket").isNotNull().contains("\"entity_id\":\"quiet-2\"");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }
}
