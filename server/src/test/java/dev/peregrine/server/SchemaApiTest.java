package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry over HTTP: registration, reads, validation, compatibility refusals, and
 * enforcement on every ingest path, checked against what the store holds afterwards.
 */
class SchemaApiTest {
    private static final String ORDER_V1 = "{\"type\":\"object\",\"required\":[\"amount\"],\"additionalProperties\":false,"
            + "\"properties\":{\"amount\":{\"type\":\"number\"},\"note\":{\"type\":\"string\"}}}";

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TestServer.Response put(String path, String json) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private void registerEnforced() {
        TestServer.Response registered = server.postJson("/api/v1/schemas", "{\"subject\":\"order.placed\",\"schema\":"
                + ORDER_V1 + ",\"description\":\"orders\",\"tags\":[\"sales\"],\"enforce\":true}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        assertThat(registered.json().get("version").asInt()).isEqualTo(1);
        assertThat(registered.json().get("enforced").asBoolean()).isTrue();
        assertThat(registered.json().get("compatibility").asText()).isEqualTo("BACKWARD");
    }

    private long stored(String type) {
        return server.get("/api/v1/events/query?event_type=" + type).json().get("count").asLong();
    }

    private static String event(String type, String entity, String payload) {
        return EventApiTest.event(type, entity, payload);
    }

    @Test
    void enforcedSchemaRefusesBadPayloadsOnEveryIngestPathAndStoresNothingOfTheBatch() {
        registerEnforced();
        assertThat(server.postJson("/api/v1/events", event("order.placed", "o-1", "{\"amount\":12.5}")).status())
                .isEqualTo(200);

        TestServer.Response single = server.postJson("/api/v1/events", event("order.placed", "o-2", "{\"amount\":\"12\"}"));
        assertThat(single.status()).as(single.body()).isEqualTo(400);
        assertThat(single.json().get("path").asText()).isEqualTo("$.amount");
        assertThat(single.json().get("rule").asText()).isEqualTo("type");
        assertThat(single.json().get("subject").asText()).isEqualTo("order.placed");
        assertThat(single.json().get("schema_version").asInt()).isEqualTo(1);
        assertThat(single.json().get("error").asText()).contains("order.placed").contains("$.amount");
        assertThat(stored("order.placed")).isEqualTo(1);

        String batch = "{\"events\":[" + event("order.placed", "o-3", "{\"amount\":1}") + ","
                + event("user.created", "u-1", "{\"anything\":true}") + ","
                + event("order.placed", "o-4", "{\"amount\":2,\"extra\":1}") + "]}";
        TestServer.Response refused = server.postJson("/api/v1/events/batch", batch);
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("index").asInt()).isEqualTo(2);
        assertThat(refused.json().get("rule").asText()).isEqualTo("additionalProperties");
        assertThat(refused.json().get("error").asText()).startsWith("events[2]: ");
        assertThat(stored("order.placed")).isEqualTo(1);
        assertThat(stored("user.created")).isZero();

        String ndjson = event("order.placed", "o-5", "{\"amount\":3}") + "\n"
                + event("order.placed", "o-6", "{\"amount\":4}") + "\n"
                + event("order.placed", "o-7", "{\"note\":\"no amount\"}") + "\n"
                + event("order.placed", "o-8", "{\"amount\":5}") + "\n";
        TestServer.Response lines = server.post("/api/v1/events/batch", "application/x-ndjson",
                ndjson.getBytes(StandardCharsets.UTF_8));
        assertThat(lines.status()).as(lines.body()).isEqualTo(400);
        assertThat(lines.json().get("line").asInt()).isEqualTo(3);
        assertThat(lines.json().get("path").asText()).isEqualTo("$.amount");
        assertThat(lines.json().get("rule").asText()).isEqualTo("required");
        assertThat(lines.json().get("ingested").asInt()).isEqualTo(2); // the NDJSON contract: lines before it
        assertThat(stored("order.placed")).isEqualTo(3);

        // Other types are not checked; turning enforcement off lets the payload in.
        assertThat(server.postJson("/api/v1/events", event("user.created", "u-2", "{\"amount\":\"x\"}")).status())
                .isEqualTo(200);
        assertThat(put("/api/v1/schemas/order.placed/enforcement", "{\"enforce\":false}").json()
                .get("enforced").asBoolean()).isFalse();
        assertThat(server.postJson("/api/v1/events", event("order.placed", "o-9", "{\"amount\":\"12\"}")).status())
                .isEqualTo(200);
    }

    @Test
    void registryReadsValidationAndRefusals() {
        registerEnforced();
        JsonNode subjects = server.get("/api/v1/schemas").json();
        assertThat(subjects.get("subjects").get(0).asText()).isEqualTo("order.placed");
        assertThat(subjects.get("total").asInt()).isEqualTo(1);

        JsonNode schema = server.get("/api/v1/schemas/order.placed").json();
        assertThat(schema.get("version").asInt()).isEqualTo(1);
        assertThat(schema.get("schema").get("required").get(0).asText()).isEqualTo("amount");
        assertThat(schema.get("description").asText()).isEqualTo("orders");
        assertThat(schema.get("tags").get(0).asText()).isEqualTo("sales");
        assertThat(schema.get("created_at").asText()).matches(EventApiTest.RFC3339_UTC);

        TestServer.Response incompatible = server.postJson("/api/v1/schemas", "{\"subject\":\"order.placed\",\"schema\":"
                + ORDER_V1.replace("[\"amount\"]", "[\"amount\",\"note\"]") + "}");
        assertThat(incompatible.status()).as(incompatible.body()).isEqualTo(409);
        assertThat(incompatible.json().get("error").asText()).contains("BACKWARD").contains("$.note").contains("required");
        assertThat(incompatible.json().get("compatibility").asText()).isEqualTo("BACKWARD");

        // Dropping the required name is backward compatible.
        TestServer.Response v2 = server.postJson("/api/v1/schemas", "{\"subject\":\"order.placed\",\"schema\":"
                + ORDER_V1.replace("\"required\":[\"amount\"],", "") + "}");
        assertThat(v2.status()).as(v2.body()).isEqualTo(200);
        assertThat(v2.json().get("version").asInt()).isEqualTo(2);
        assertThat(server.get("/api/v1/schemas/order.placed/versions").json().get("versions").toString())
                .isEqualTo("[1,2]");
        assertThat(server.get("/api/v1/schemas/order.placed?version=1").json().get("schema").has("required")).isTrue();

        JsonNode invalid = server.postJson("/api/v1/schemas/validate",
                "{\"subject\":\"order.placed\",\"version\":1,\"payload\":{\"note\":7}}").json();
        assertThat(invalid.get("valid").asBoolean()).isFalse();
        assertThat(invalid.get("schema_version").asInt()).isEqualTo(1);
        assertThat(invalid.get("violations")).hasSize(2);
        JsonNode valid = server.postJson("/api/v1/schemas/validate",
                "{\"subject\":\"order.placed\",\"payload\":{\"note\":\"n\"}}").json();
        assertThat(valid.get("valid").asBoolean()).isTrue();
        assertThat(valid.get("schema_version").asInt()).isEqualTo(2);

        assertThat(put("/api/v1/schemas/order.placed/compatibility", "{\"compatibility\":\"full\"}").json()
                .get("compatibility").asText()).isEqualTo("FULL");

        assertError(server.postJson("/api/v1/schemas", "{\"subject\":\"s\",\"schema\":{\"type\":12}}"), 400, "$.type");
        assertError(server.postJson("/api/v1/schemas", "{\"subject\":\"s\",\"schema\":\"text\"}"), 400, "'schema'");
        assertError(server.postJson("/api/v1/schemas", "{\"schema\":{}}"), 400, "'subject'");
        assertError(server.postJson("/api/v1/schemas", "{\"subject\":\"s\",\"schema\":{\"$ref\":\"file:///etc/passwd\"}}"),
                400, "outside the schema");
        assertError(server.get("/api/v1/schemas/nothing"), 404, "nothing");
        assertError(server.get("/api/v1/schemas/order.placed?version=9"), 404, "version 9");
        assertError(server.get("/api/v1/schemas/order.placed?version=x"), 400, "version");
        assertError(put("/api/v1/schemas/order.placed/compatibility", "{\"compatibility\":\"sideways\"}"), 400, "sideways");
        assertError(put("/api/v1/schemas/nothing/enforcement", "{\"enforce\":true}"), 404, "nothing");
        assertError(server.postJson("/api/v1/schemas/validate", "{\"subject\":\"order.placed\",\"payload\":[1]}"),
                400, "'payload'");
        assertThat(server.get("/api/v1/schemas").json().get("total").asInt()).isEqualTo(1);
    }

    @Test
    void theRegistrySurvivesARestart() {
        registerEnforced();
        server.restart();
        assertThat(server.get("/api/v1/schemas/order.placed").json().get("enforced").asBoolean()).isTrue();
        TestServer.Response refused = server.postJson("/api/v1/events", event("order.placed", "o-1", "{}"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("path").asText()).isEqualTo("$.amount");
        assertThat(stored("order.placed")).isZero();
    }

    private static void assertError(TestServer.Response response, int status, String mentions) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("error").asText()).contains(mentions);
    }
}
