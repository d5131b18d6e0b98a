package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** Small helpers shared by the black-box tests. */
final class EventApiTestSupport {
    private EventApiTestSupport() {
    }

    /** The field names of a JSON object, in order. */
    static java.util.List<String> names(JsonNode object) {
        java.util.List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static JsonNode stats(TestServer server) {
        TestServer.Response response = server.get("/api/v1/stats");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
