package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The replay endpoints, black-box: start, progress, list, cancel and delete, and bad requests. */
class ReplayApiTest extends SharedServer {
    private static final String COUNTS = "{\"name\":\"replayed\",\"event_types\":[\"replay.order\"],"
            + "\"group_by\":[{\"field\":\"customer\",\"as\":\"customer\"}],"
            + "\"aggregates\":[{\"fn\":\"count\",\"as\":\"orders\"}]}";

    /** Polls a replay until it has ended (the server's own tests bound the wait by the loop). */
    private static JsonNode awaitEnded(String id) throws InterruptedException {
        JsonNode progress = server.get("/api/v1/replay/" + id).json();
        for (int i = 0; i < 6_000 && progress.get("status").asText().equals("running"); i++) {
            Thread.sleep(10);
            progress = server.get("/api/v1/replay/" + id).json();
        }
        return progress;
    }

    @Test
    void aViewAndAProjectionAreReplayedAndTheHistoryIsKept() throws InterruptedException {
        long last = 0;
        for (int i = 0; i < 40; i++) {
            last = EventApiTest.ingest("replay.order", "r-" + i, "{\"customer\":\"c" + (i % 4) + "\"}").get("position").asLong();
        }
        assertThat(server.postJson("/api/v1/views", COUNTS).status()).isEqualTo(200);

        TestServer.Response started = server.postJson("/api/v1/replay", "{\"view_name\":\"replayed\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        String id = started.json().get("replay_id").asText();
        assertThat(started.json().get("target").asText()).isEqualTo("view");
        assertThat(started.json().get("total_events").asLong()).isEqualTo(started.json().get("target_position").asLong());
        JsonNode done = awaitEnded(id);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.get("progress_percentage").asDouble()).isEqualTo(100);
        assertThat(done.get("swapped_at_position").asLong()).isGreaterThanOrEqualTo(last);
        assertThat(done.get("completed_at").asText()).matches(EventApiTest.RFC3339_UTC);
        JsonNode rows = server.get("/api/v1/views/replayed").json();
        assertThat(rows.get("count").asInt()).isEqualTo(4);
        for (JsonNode row : rows.get("rows")) {
            assertThat(row.get("orders").asLong()).isEqualTo(10);
        }

        TestServer.Response counters = server.postJson("/api/v1/replay",
                "{\"projection_name\":\"event_counters\",\"from_position\":0}");
        assertThat(counters.status()).as(counters.body()).isEqualTo(200);
        String countersId = counters.json().get("replay_id").asText();
        assertThat(awaitEnded(countersId).get("status").asText()).isEqualTo("completed");

        JsonNode list = server.get("/api/v1/replay").json();
        assertThat(list.get("total").asInt()).isGreaterThanOrEqualTo(2);
        TestServer.Response again = server.post("/api/v1/replay/" + id + "/cancel", null, new byte[0]);
        assertThat(again.status()).as(again.body()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).contains("ended");
        TestServer.Response deleted = server.delete("/api/v1/replay/" + id);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
        assertThat(server.get("/api/v1/replay/" + id).status()).isEqualTo(404);
        assertThat(server.delete("/api/v1/replay/" + id).status()).isEqualTo(404);
    }

    @Test
    void badReplayRequestsAreRefusedWithTheReason() {
        assertError(server.postJson("/api/v1/replay", "{}"), 400, "exactly one");
        assertError(server.postJson("/api/v1/replay", "{\"view_name\":\"a\",\"projection_name\":\"b\"}"), 400, "exactly one");
        assertError(server.postJson("/api/v1/replay", "{\"view_name\":\"a\",\"from_position\":-1}"), 400, "from_position");
        assertError(server.postJson("/api/v1/replay", "{\"view_name\":\"a\",\"from_position\":\"1\"}"), 400, "from_position");
        assertError(server.postJson("/api/v1/replay", "{\"view_name\":\"a\",\"from_timestamp\":\"yesterday\"}"), 400,
                "from_timestamp");
        assertError(server.postJson("/api/v1/replay",
                "{\"view_name\":\"a\",\"from_position\":1,\"from_timestamp\":\"2026-01-01T00:00:00Z\"}"), 400, "not both");
        assertError(server.postJson("/api/v1/replay", "[1]"), 400, "JSON object");
        assertError(server.postJson("/api/v1/replay", "{\"view_name\":\"no-such-view\"}"), 404, "no-such-view");
        assertError(server.postJson("/api/v1/replay", "{\"projection_name\":\"no_such\"}"), 400, "no_such");
        assertError(server.get("/api/v1/replay/not-a-uuid"), 400, "replay_id");
        assertError(server.get("/api/v1/replay/" + UUID.randomUUID()), 404, "no replay");
        assertError(server.post("/api/v1/replay/" + UUID.randomUUID() + "/cancel", null, new byte[0]), 404, "no replay");
    }

    private static void assertError(TestServer.Response response, int status, String mentions) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("error").asText()).contains(mentions);
    }
}
