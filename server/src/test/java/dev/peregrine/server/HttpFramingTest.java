package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Request bodies whose framing or encoding is unusual: a broken chunk size, a client that hangs up
 * in the middle, compressed bodies (decoded, with the limit on the decoded size) and encodings the
 * server does not decode. Every one is sent over a real connection to a real server.
 */
class HttpFramingTest extends SharedServer {

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION))) {
            deflate.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static TestServer.Response postEncoded(String path, String contentType, String encoding, byte[] body) {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", contentType)
                .header("Content-Encoding", encoding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    static long totalEvents() {
        return EventApiTestSupport.stats(server).get("total_events").asLong();
    }

    /** The value of {@code peregrine_http_requests_total} for one route, method and status label. */
    static double requestCount(String method, String route, String status) {
        String series = "peregrine_http_requests_total{method=\"" + method + "\",route=\"" + route + "\",status=\""
                + status + "\"} ";
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith(series)) {
                return Double.parseDouble(line.substring(series.length()).trim());
            }
        }
        return 0;
    }

    @Test
    void malformedChunkSizeIsAJson400() {
        long before = totalEvents();
        for (String path : new String[] {"/api/v1/events", "/api/v1/events/batch"}) {
            try (RawHttp raw = new RawHttp(server.port())) {
                raw.send("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n");
                RawHttp.Response response = raw.response();
                assertThat(response.status()).as(path + ": " + response).isEqualTo(400);
                assertThat(response.headers()).contains("content-type: application/json");
                assertThat(response.json().get("error").asText()).startsWith("malformed request body: ");
                assertThat(raw.closedByServer(1)).isTrue();
            }
        }
        try (RawHttp raw = new RawHttp(server.port())) {
            // A good first chunk, then garbage instead of the next chunk's size.
            raw.send("POST /api/v1/events/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] line = (EventApiTest.event("chunk.t", "chunk-1", "{}") + "\n").getBytes(StandardCharsets.UTF_8);
            raw.send(Integer.toHexString(line.length) + "\r\n").send(line).send("\r\nnot-a-size\r\n");
            RawHttp.Response response = raw.response();
            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).startsWith("malformed request body: ");
        }
        assertThat(totalEvents()).isEqualTo(before);
        assertThat(server.get("/health").status()).isEqualTo(200);
    }

    @Test
    void clientThatHangsUpMidBodyIsCountedAsAnAbortAndStoresNothing() throws InterruptedException {
        long before = totalEvents();
        double abortsBefore = requestCount("POST", "/api/v1/events", ServerMetrics.CLIENT_ABORT);
        double ndjsonAbortsBefore = requestCount("POST", "/api/v1/events/batch", ServerMetrics.CLIENT_ABORT);
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"event_type\":\"abort.t\",\"entity_id\":\"abort-1\",");
        }
        try (RawHttp raw = new RawHttp(server.port())) {
            // Three complete lines and half of a fourth, then the client is gone.
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                lines.append(EventApiTest.event("abort.t", "abort-" + i, "{\"i\":" + i + "}")).append('\n');
            }
            lines.append("{\"event_type\":\"abort.t\",\"entity_id\":\"ab");
            byte[] body = lines.toString().getBytes(StandardCharsets.UTF_8);
            raw.send("POST /api/v1/events/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n").send(body).send("\r\n");
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while ((requestCount("POST", "/api/v1/events", ServerMetrics.CLIENT_ABORT) == abortsBefore
                || requestCount("POST", "/api/v1/events/batch", ServerMetrics.CLIENT_ABORT) == ndjsonAbortsBefore)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(requestCount("POST", "/api/v1/events", ServerMetrics.CLIENT_ABORT)).isEqualTo(abortsBefore + 1);
        assertThat(requestCount("POST", "/api/v1/events/batch", ServerMetrics.CLIENT_ABORT)).isEqualTo(ndjsonAbortsBefore + 1);
        assertThat(server.get("/metrics").body()).doesNotContain("status=\"500\"");
        assertThat(totalEvents()).isEqualTo(before);
        assertThat(server.get("/api/v1/events/query?event_type=abort.t").json().get("count").asInt()).isZero();
    }

    @Test
    void gzipAndDeflateBodiesAreDecoded() {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            ndjson.append(EventApiTest.event("gzip.t", "gzip-" + (i % 10), "{\"i\":" + i + "}")).append('\n');
        }
        TestServer.Response bulk = postEncoded("/api/v1/events/batch", "application/x-ndjson", "gzip",
                gzip(ndjson.toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
        assertThat(bulk.json().get("ingested").asLong()).isEqualTo(1_000);

        String batch = "{\"events\":[" + EventApiTest.event("gzip.t", "gzip-batch", "{\"n\":1}") + ","
                + EventApiTest.event("gzip.t", "gzip-batch", "{\"n\":2}") + "]}";
        TestServer.Response atomic = postEncoded("/api/v1/events/batch", "application/json", "GZIP",
                gzip(batch.getBytes(StandardCharsets.UTF_8)));
        assertThat(atomic.status()).as(atomic.body()).isEqualTo(200);
        assertThat(atomic.json().get("ingested").asInt()).isEqualTo(2);

        TestServer.Response single = postEncoded("/api/v1/events", "application/json", "deflate",
                deflate(EventApiTest.event("gzip.t", "gzip-deflated", "{\"z\":true}").getBytes(StandardCharsets.UTF_8)));
        assertThat(single.status()).as(single.body()).isEqualTo(200);

        // Two gzip members one after the other (`cat a.gz b.gz`): both are read.
        String first = EventApiTest.event("gzip.t", "gzip-members", "{\"member\":1}") + "\n";
        String second = EventApiTest.event("gzip.t", "gzip-members", "{\"member\":2}") + "\n";
        byte[] members = BodyDecoderTest.concat(gzip(first.getBytes(StandardCharsets.UTF_8)), gzip(second.getBytes(StandardCharsets.UTF_8)));
        TestServer.Response concatenated = postEncoded("/api/v1/events/batch", "application/x-ndjson", "x-gzip", members);
        assertThat(concatenated.status()).as(concatenated.body()).isEqualTo(200);
        assertThat(concatenated.json().get("ingested").asLong()).isEqualTo(2);

        JsonNode stored = server.get("/api/v1/events/query?event_type=gzip.t&limit=2000").json();
        assertThat(stored.get("count").asInt()).isEqualTo(1_005);
        TestServer.Response identity = postEncoded("/api/v1/events", "application/json", "identity",
                EventApiTest.event("gzip.t", "gzip-identity", "{}").getBytes(StandardCharsets.UTF_8));
        assertThat(identity.status()).as(identity.body()).isEqualTo(200);
    }

    @Test
    void truncatedOrPaddedGzipIsAJson400AndStoresNothing() {
        long before = totalEvents();
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            ndjson.append(EventApiTest.event("trunc.t", "trunc-1", "{\"i\":" + i + "}")).append('\n');
        }
        byte[] whole = gzip(ndjson.toString().getBytes(StandardCharsets.UTF_8));
        // Without its trailer every line still decodes, but the stream is not known to be complete.
        for (int cut : new int[] {8, 4, whole.length / 2}) {
            byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - cut);
            TestServer.Response response = postEncoded("/api/v1/events/batch", "application/x-ndjson", "gzip", truncated);
            assertThat(response.status()).as("cut " + cut + ": " + response).isEqualTo(400);
            assertThat(response.json().get("error").asText()).startsWith("malformed request body: ");
        }
        TestServer.Response padded = postEncoded("/api/v1/events/batch", "application/x-ndjson", "gzip",
                BodyDecoderTest.concat(whole, new byte[] {0, 0, 0, 0}));
        assertThat(padded.status()).as(padded.body()).isEqualTo(400);
        TestServer.Response emptyGzip = postEncoded("/api/v1/events", "application/json", "gzip", new byte[0]);
        assertThat(emptyGzip.status()).as(emptyGzip.body()).isEqualTo(400);
        assertThat(totalEvents()).isEqualTo(before);
    }

    @Test
    void gzipBombIsRefusedOnItsDecodedSize() {
        long before = totalEvents();
        // 8 MiB of one letter compresses to a few KiB, far under the limit; decoded, it is twice the limit.
        byte[] bomb = gzip(EventApiTest.event("bomb.t", "bomb-1", "{\"s\":\"" + "z".repeat(2 * ServerLimits.DEFAULT_MAX_BODY_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(bomb.length).isLessThan(ServerLimits.DEFAULT_MAX_BODY_BYTES / 100);
        TestServer.Response response = postEncoded("/api/v1/events", "application/json", "gzip", bomb);
        assertThat(response.status()).as(response.body()).isEqualTo(413);
        assertThat(response.json().get("error").asText()).contains("--max-body-bytes");
        assertThat(totalEvents()).isEqualTo(before);
    }

    @Test
    void encodingsTheServerDoesNotDecodeAre415NamingThem() {
        long before = totalEvents();
        byte[] body = EventApiTest.event("enc.t", "enc-1", "{}").getBytes(StandardCharsets.UTF_8);
        for (String encoding : new String[] {"br", "compress", "x-unknown", "gzip, br"}) {
            TestServer.Response response = postEncoded("/api/v1/events", "application/json", encoding, body);
            assertThat(response.status()).as(encoding + ": " + response).isEqualTo(415);
            assertThat(response.json().get("error").asText()).contains("Content-Encoding '" + encoding + "'");
        }
        TestServer.Response ndjson = postEncoded("/api/v1/events/batch", "application/x-ndjson", "br", body);
        assertThat(ndjson.status()).as(ndjson.body()).isEqualTo(415);
        assertThat(totalEvents()).isEqualTo(before);
    }

    @Test
    void corruptGzipIsAJson400() {
        long before = totalEvents();
        byte[] good = gzip(EventApiTest.event("corrupt.t", "corrupt-1", "{}").getBytes(StandardCharsets.UTF_8));
        byte[] corrupt = good.clone();
        for (int i = 10; i < corrupt.length - 8; i++) {
            corrupt[i] = (byte) 0xFF; // keep the gzip header, ruin the deflate stream
        }
        TestServer.Response response = postEncoded("/api/v1/events", "application/json", "gzip", corrupt);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).startsWith("malformed request body: ");
        TestServer.Response notGzip = postEncoded("/api/v1/events", "application/json", "gzip",
                EventApiTest.event("corrupt.t", "corrupt-2", "{}").getBytes(StandardCharsets.UTF_8));
        assertThat(notGzip.status()).as(notGzip.body()).isEqualTo(400);
        assertThat(totalEvents()).isEqualTo(before);
    }
}
