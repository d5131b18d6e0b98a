package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention rules and the scavenge (AllSource's compaction routes) by real requests. */
class RetentionApiTest {

    @TempDir
    Path work;

    private static TestServer.Response put(TestServer server, String path, String json) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void rulesHideEventsAtOnceAndAScavengeReclaimsThem() throws Exception {
        try (TestServer server = new TestServer(work.resolve("data"), b -> b.segmentBytes(64 * 1024))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                TestServer.Response r = server.postJson("/api/v1/events", EventApiTest.event("reading", "sensor-" + (i % 3),
                        "{\"i\":" + i + ",\"pad\":\"" + "p".repeat(700) + "\"}"));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                ids.add(r.json().get("event_id").asText());
            }
            TestServer.Response created = put(server, "/api/v1/retention/rules/last-5",
                    "{\"entity_id_prefix\": \"sensor-\", \"max_count\": 5}");
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            assertThat(created.json().get("max_count").asLong()).isEqualTo(5);
            JsonNode rules = server.get("/api/v1/retention/rules").json().get("rules");
            assertThat(rules).hasSize(1);
            assertThat(rules.get(0).get("name").asText()).isEqualTo("last-5");

            assertThat(server.get("/api/v1/events/" + ids.getFirst()).status()).isEqualTo(404);
            assertThat(server.get("/api/v1/events/" + ids.getLast()).status()).isEqualTo(200);
            JsonNode page = server.get("/api/v1/events/query?entity_id=sensor-0").json();
            assertThat(page.get("events")).hasSize(5);

            JsonNode before = server.get("/api/v1/compaction/stats").json();
            assertThat(before.get("state").asText()).isEqualTo("idle");
            TestServer.Response triggered = server.postJson("/api/v1/compaction/trigger", "{\"max_bytes_per_second\": 0}");
            assertThat(triggered.status()).as(triggered.body()).isEqualTo(202);
            JsonNode stats = server.get("/api/v1/compaction/stats").json();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!stats.get("state").asText().equals("finished") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                stats = server.get("/api/v1/compaction/stats").json();
            }
            assertThat(stats.get("state").asText()).as(stats.toString()).isEqualTo("finished");
            assertThat(stats.get("events_removed").asLong()).isPositive();
            assertThat(stats.get("bytes_reclaimed").asLong()).isPositive();
            assertThat(stats.get("rules").asInt()).isEqualTo(1);
            assertThat(stats.get("log_bytes_used").asLong()).as("the log shrank")
                    .isLessThan(before.get("log_bytes_used").asLong() - stats.get("bytes_reclaimed").asLong() / 2);
            assertThat(server.get("/api/v1/ops/wal/status").json().get("total_size").asLong())
                    .isEqualTo(stats.get("log_bytes_used").asLong());
            assertThat(server.get("/api/v1/events/" + ids.getLast()).status()).isEqualTo(200);

            assertThat(server.delete("/api/v1/retention/rules/last-5").status()).isEqualTo(200);
            TestServer.Response gone = server.delete("/api/v1/retention/rules/last-5");
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.json().get("error").asText()).contains("last-5");
            assertThat(server.get("/api/v1/events/" + ids.getFirst()).status()).as("removed for good").isEqualTo(404);
        }
    }

    @Test
    void badRulesAreRefusedWithAClearErrorAndChangeNothing() {
        try (TestServer server = new TestServer(work.resolve("data"))) {
            String[][] cases = {
                    {"/api/v1/retention/rules/r", "{\"event_type\": \"x\"}", "max_age"},
                    {"/api/v1/retention/rules/r", "{\"max_count\": 0}", "max_count"},
                    {"/api/v1/retention/rules/r", "{\"max_count\": 1.5}", "max_count"},
                    {"/api/v1/retention/rules/r", "{\"max_count\": \"3\"}", "max_count"},
                    {"/api/v1/retention/rules/r", "{\"max_age\": \"forever\"}", "max_age"},
                    {"/api/v1/retention/rules/r", "{\"max_age\": \"0s\"}", "max_age"},
                    {"/api/v1/retention/rules/r", "{\"max_age\": \"1d\", \"colour\": 1}", "colour"},
                    {"/api/v1/retention/rules/r", "[1]", "JSON object"},
                    {"/api/v1/retention/rules/r", "{\"max_count\": 2", ""},
                    {"/api/v1/retention/rules/bad%20name", "{\"max_count\": 2}", "name"},
                    {"/api/v1/retention/rules/r", "{\"max_count\": 2, \"entity_id_prefix\": \"\"}", "entity_id_prefix"},
            };
            for (String[] c : cases) {
                TestServer.Response r = put(server, c[0], c[1]);
                assertThat(r.status()).as(c[1] + ": " + r.body()).isEqualTo(400);
                assertThat(r.json().get("error").asText()).as(c[1]).contains(c[2]);
                assertThat(r.body()).doesNotContain(work.toString());
            }
            assertThat(server.get("/api/v1/retention/rules").json().get("rules")).isEmpty();
            TestServer.Response rate = server.postJson("/api/v1/compaction/trigger", "{\"max_bytes_per_second\": -1}");
            assertThat(rate.status()).isEqualTo(400);
            assertThat(rate.json().get("error").asText()).contains("max_bytes_per_second");
            assertThat(server.get("/api/v1/compaction/stats").json().get("state").asText()).isEqualTo("idle");
            TestServer.Response ok = put(server, "/api/v1/retention/rules/r", "{\"max_age\": \"30d\", \"tenant_id\": \"acme\"}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.json().get("max_age_ms").asLong()).isEqualTo(Duration.ofDays(30).toMillis());
        }
    }
}
