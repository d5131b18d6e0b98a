package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a client was told survives closing the server and starting a new one on the same data. */
class RestartTest {
    @TempDir
    Path data;

    @Test
    void acknowledgedEventsAndStateSurviveARestart() {
        try (TestServer server = new TestServer(data)) {
            JsonNode first = server.postJson("/api/v1/events",
                    EventApiTest.event("cart.created", "cart-1", "{\"items\":[],\"owner\":\"bo\"}")).json();
            server.postJson("/api/v1/events", EventApiTest.event("cart.updated", "cart-1", "{\"items\":[\"apple\"]}"));
            JsonNode before = server.get("/api/v1/entities/cart-1/state").json();

            server.restart();

            JsonNode event = server.get("/api/v1/events/" + first.get("event_id").asText()).json();
            assertThat(event.get("position").asLong()).isEqualTo(first.get("position").asLong());
            assertThat(event.get("timestamp").asText()).isEqualTo(first.get("timestamp").asText());
            assertThat(event.get("payload").get("owner").asText()).isEqualTo("bo");
            JsonNode after = server.get("/api/v1/entities/cart-1/state").json();
            assertThat(after.get("current_state")).isEqualTo(before.get("current_state"));
            assertThat(after.get("event_count").asLong()).isEqualTo(2);
            assertThat(EventApiTestSupport.stats(server).get("total_events").asLong()).isEqualTo(2);

            // Versions continue where they were: the stream is the same one.
            JsonNode third = server.postJson("/api/v1/events",
                    "{\"event_type\":\"cart.updated\",\"entity_id\":\"cart-1\",\"payload\":{},\"expected_version\":2}").json();
            assertThat(third.get("version").asLong()).isEqualTo(3);
            assertThat(third.get("position").asLong()).isEqualTo(3);
        }
    }
}
