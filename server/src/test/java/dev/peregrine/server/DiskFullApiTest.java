package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.store.testing.SmallFileSystem;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server on a real, full file system, as a client sees it: appends answer 507 naming the cause,
 * with nothing stored; reads, stats and an SSE subscription from position 1 keep working; once space
 * is freed appends succeed again without a restart, and a retried refused request stores its events
 * once.
 */
class DiskFullApiTest {

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(SmallFileSystem.Kind.class)
    void refusesWith507ServesReadsAndResumes(SmallFileSystem.Kind kind) throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(kind, 32, work)) {
            fs.fill(2 << 20);
            Path data = fs.root().resolve("data");
            try (TestServer server = new TestServer(data, b -> b.segmentBytes(256 * 1024).minFreeBytes(0))) {
                List<String> acked = new ArrayList<>();
                String refusedBody = null;
                TestServer.Response refused = null;
                for (int i = 0; i < 100_000 && refused == null; i++) {
                    String id = UUID.randomUUID().toString();
                    String body = event(id, i);
                    TestServer.Response r = server.postJson("/api/v1/events", body);
                    if (r.status() == 200) {
                        acked.add(id);
                    } else {
                        refused = r;
                        refusedBody = body;
                    }
                }
                assertThat(refused).as("the disk filled up").isNotNull();
                assertThat(refused.status()).as(refused.body()).isEqualTo(507);
                assertThat(refused.json().get("error").asText()).contains("disk is full").contains("nothing was stored")
                        .doesNotContain(data.toString());
                assertThat(refused.json().get("outcome").asText()).isEqualTo("not_written");

                // Reads while full: every acknowledged event, the stats, and a subscription from 1.
                for (String id : acked) {
                    assertThat(server.get("/api/v1/events/" + id).status()).as(id).isEqualTo(200);
                }
                JsonNode stats = server.get("/api/v1/stats").json();
                assertThat(stats.toString()).contains("\"total_events\":" + acked.size());
                assertThat(sseCount(server, acked.size())).isEqualTo(acked.size());

                fs.freeBallast();
                TestServer.Response retried = server.postJson("/api/v1/events", refusedBody);
                assertThat(retried.status()).as(retried.body()).isEqualTo(200);
                assertThat(retried.json().get("position").asLong()).isEqualTo(acked.size() + 1L);
                TestServer.Response again = server.postJson("/api/v1/events", refusedBody); // idempotent
                assertThat(again.json().get("position").asLong()).isEqualTo(acked.size() + 1L);
                assertThat(server.get("/api/v1/stats").json().toString())
                        .contains("\"total_events\":" + (acked.size() + 1));
            }
        }
    }

    private static String event(String id, int i) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"disk.t\",\"entity_id\":\"e" + (i % 10)
                + "\",\"payload\":{\"i\":" + i + ",\"pad\":\"" + "x".repeat(500) + "\"}}";
    }

    /** Reads SSE events from position 1 until {@code expected} arrived (or the stream stalls for 30 s). */
    private static int sseCount(TestServer server, int expected) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/events/subscribe?from_position=1"))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> response = server.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        int events = 0;
        try (InputStream body = response.body();
             BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while (events < expected && (line = reader.readLine()) != null) {
                if (line.startsWith("event: error")) {
                    throw new AssertionError("the subscription failed: " + reader.readLine());
                }
                if (line.startsWith("data: ")) {
                    events++;
                }
            }
        }
        return events;
    }
}
