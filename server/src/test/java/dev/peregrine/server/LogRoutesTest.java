package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/log} and {@code POST /api/v1/log/snapshots}, by real requests. */
class LogRoutesTest {
    @TempDir
    Path data;
    @TempDir
    Path snapshots;

    @Test
    void linesAreFilteredByLevelAndTextAndFollowContinuesAfterTheLastSequenceExamined() {
        ListServerLog log = new ListServerLog(snapshots);
        try (TestServer server = new TestServer(data, builder -> builder.serverLog(log))) {
            log.add("DEBUG", "dev.peregrine.store", "opened store");
            log.add("INFO", "dev.peregrine.server", "listening");
            log.add("WARN", "dev.peregrine.server.Slow", "slow client dropped");
            log.add("ERROR", "dev.peregrine.store", "disk full");

            assertThat(messages(server.get("/api/v1/log").json())).containsExactly("opened store", "listening",
                    "slow client dropped", "disk full");
            assertThat(messages(server.get("/api/v1/log?level=warn").json())).containsExactly("slow client dropped", "disk full");
            // Text matches the message or the logger, case-insensitively.
            assertThat(messages(server.get("/api/v1/log?contains=SLOW").json())).containsExactly("slow client dropped");
            assertThat(messages(server.get("/api/v1/log?contains=peregrine.store").json())).containsExactly("opened store", "disk full");

            // Following with a filter: next_after moves past lines the filter left out, so none comes twice.
            JsonNode first = server.get("/api/v1/log?level=ERROR").json();
            assertThat(first.get("next_after").asLong()).isEqualTo(3);
            log.add("INFO", "x", "quiet");
            log.add("ERROR", "x", "second failure");
            JsonNode next = server.get("/api/v1/log?level=ERROR&after=" + first.get("next_after").asLong()).json();
            assertThat(messages(next)).containsExactly("second failure");
            assertThat(next.get("next_after").asLong()).isEqualTo(5);
            JsonNode none = server.get("/api/v1/log?after=5").json();
            assertThat(messages(none)).isEmpty();
            assertThat(none.get("next_after").asLong()).isEqualTo(5);
            JsonNode line = server.get("/api/v1/log?limit=1").json().get("lines").get(0);
            assertThat(line.get("sequence").asLong()).isEqualTo(5);
            assertThat(line.get("level").asText()).isEqualTo("ERROR");
            assertThat(line.get("target").asText()).isEqualTo("x");
            assertThat(line.get("thread").asText()).isEqualTo("test-thread");
            assertThat(line.get("time").asText()).endsWith("Z");

            TestServer.Response badLevel = server.get("/api/v1/log?level=loud");
            assertThat(badLevel.status()).isEqualTo(400);
            assertThat(badLevel.json().get("error").asText()).contains("level", "loud", "WARN");
            assertThat(server.get("/api/v1/log?limit=0").status()).isEqualTo(400);
            assertThat(server.get("/api/v1/log?limit=5001").status()).isEqualTo(400);
        }
    }

    @Test
    void aSnapshotIsWrittenAndAnsweredAsADownloadNamedWithoutItsDirectory() {
        ListServerLog log = new ListServerLog(snapshots);
        try (TestServer server = new TestServer(data, builder -> builder.serverLog(log))) {
            log.add("INFO", "t", "hello snapshot");
            TestServer.Response snapshot = server.postJson("/api/v1/log/snapshots", "");
            assertThat(snapshot.status()).isEqualTo(200);
            assertThat(snapshot.header("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(snapshot.header("Content-Disposition")).isEqualTo("attachment; filename=\"snapshot-1.txt\"");
            assertThat(snapshot.body()).isEqualTo("INFO hello snapshot\n");
            assertThat(snapshots.resolve("snapshot-1.txt")).exists();
        }
    }

    @Test
    void withoutALogBothEndpointsAreA404SayingWhy() {
        try (TestServer server = new TestServer(data)) {
            for (TestServer.Response response : List.of(server.get("/api/v1/log"),
                    server.postJson("/api/v1/log/snapshots", ""))) {
                assertThat(response.status()).isEqualTo(404);
                assertThat(response.json().get("error").asText()).contains("no log");
            }
        }
    }

    private static List<String> messages(JsonNode answer) {
        List<String> messages = new ArrayList<>();
        answer.get("lines").forEach(line -> messages.add(line.get("message").asText()));
        return messages;
    }
}
