package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The views endpoints: create from JSON, list, read now and as of a position, delete. */
class ViewApiTest extends SharedServer {
    private static final String TOTALS = "{\"name\":\"totals\",\"event_types\":[\"order.placed\"],"
            + "\"group_by\":[{\"field\":\"customer\",\"as\":\"customer\"}],"
            + "\"aggregates\":[{\"fn\":\"count\",\"as\":\"orders\"},{\"fn\":\"sum\",\"field\":\"amount\",\"as\":\"total\"}]}";

    static long order(String customer, int amount) {
        TestServer.Response response = server.postJson("/api/v1/events", EventApiTest.event("order.placed", "order-" + customer,
                "{\"customer\":\"" + customer + "\",\"amount\":" + amount + "}"));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("position").asLong();
    }

    @Test
    void viewLifecycle() throws InterruptedException {
        order("ann", 10);
        long second = order("ann", 5);
        TestServer.Response created = server.postJson("/api/v1/views", TOTALS);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("name").asText()).isEqualTo("totals");
        assertThat(created.json().get("definition").get("name").asText()).isEqualTo("totals");
        long third = order("bob", 7);

        JsonNode now = awaitPosition("/api/v1/views/totals", third);
        assertThat(now.get("count").asInt()).isEqualTo(2);
        assertThat(rowFor(now, "ann").get("orders").asLong()).isEqualTo(2);
        assertThat(rowFor(now, "ann").get("total").asDouble()).isEqualTo(15);
        assertThat(rowFor(now, "bob").get("total").asDouble()).isEqualTo(7);

        JsonNode past = server.get("/api/v1/views/totals?as_of_position=" + second).json();
        assertThat(past.get("count").asInt()).isEqualTo(1);
        assertThat(rowFor(past, "ann").get("orders").asLong()).isEqualTo(2);

        JsonNode list = server.get("/api/v1/views").json();
        assertThat(list.get("count").asInt()).isEqualTo(1);
        assertThat(list.get("views").get(0).get("name").asText()).isEqualTo("totals");

        TestServer.Response conflicting = server.postJson("/api/v1/views", TOTALS.replace("\"sum\"", "\"max\""));
        assertThat(conflicting.status()).isEqualTo(409);
        TestServer.Response invalid = server.postJson("/api/v1/views", "{\"name\":\"bad\",\"select\":[\"a\"],\"group_by\":[\"b\"]}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("error").asText()).contains("select");

        assertThat(server.delete("/api/v1/views/totals").status()).isEqualTo(200);
        assertThat(server.get("/api/v1/views/totals").status()).isEqualTo(404);
        assertThat(server.delete("/api/v1/views/totals").status()).isEqualTo(404);
    }

    /** Views follow the log asynchronously: poll until the view has seen {@code position}. */
    private static JsonNode awaitPosition(String path, long position) throws InterruptedException {
        JsonNode view = server.get(path).json();
        for (int i = 0; i < 500 && view.get("position").asLong() < position; i++) {
            Thread.sleep(10);
            view = server.get(path).json();
        }
        assertThat(view.get("position").asLong()).isGreaterThanOrEqualTo(position);
        return view;
    }

    private static JsonNode rowFor(JsonNode snapshot, String customer) {
        for (JsonNode row : snapshot.get("rows")) {
            if (customer.equals(row.get("customer").asText())) {
                return row;
            }
        }
        throw new AssertionError("no row for " + customer + " in " + snapshot);
    }
}
