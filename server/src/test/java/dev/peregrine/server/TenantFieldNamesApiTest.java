package dev.peregrine.server;

import static dev.peregrine.server.TenantApiTest.awaitProjections;
import static dev.peregrine.server.TenantApiTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field names and tenants over HTTP: a tenant's field name quota counts the names its events
 * brought into the store first, is never passed by concurrent writers and survives restarts; and a
 * request refused by a schema or by any tenant quota adds no name to the store.
 */
class TenantFieldNamesApiTest {
    @TempDir
    Path data;
    KeyRing keys;
    String admin;
    String acme;
    String beta;

    @BeforeEach
    void keys() {
        keys = KeyRing.open(data);
        admin = keys.create("admin", Role.ADMIN, null, null).key();
        acme = keys.create("", Role.WRITER, "acme", null).key();
        beta = keys.create("", Role.WRITER, "beta", null).key();
    }

    /**
     * Eight writer threads of one tenant, each event bringing one new name, against a seeded quota:
     * exactly the quota's worth is stored, the rest refused 403 naming the quota; names another
     * tenant used first are free; the counts are what the store holds, and survive a restart.
     */
    @Test
    void concurrentWritersCrossAFieldNameQuotaExactlyAndTheCountSurvivesRestarts() throws Exception {
        long seed = Long.getLong("names.seed", System.nanoTime() % 100_000);
        Random random = new Random(seed);
        int quota = 100 + random.nextInt(150);
        String because = "seed " + seed + ", quota " + quota;
        try (TestServer server = new TestServer(data, c -> c.durability("none"))) {
            TestServer.Response created = send(server, "POST", "/api/v1/tenants", admin,
                    "{\"name\":\"acme\",\"max_field_names\":" + quota + "}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().get("max_field_names").asLong()).isEqualTo(quota);
            // beta brings two names first: acme uses them for free.
            assertThat(append(server, beta, "b", "{\"shared\":1,\"deep\":{\"shared2\":[1]}}").status()).isEqualTo(200);
            awaitProjections(server);

            int threads = 8;
            int perThread = quota / threads + 20;
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            AtomicInteger refused = new AtomicInteger();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            String name = "w" + thread + "n" + i;
                            TestServer.Response response = append(server, acme, "e" + thread,
                                    "{\"" + name + "\":" + i + ",\"shared\":" + (i % 2 == 0) + "}");
                            if (response.status() == 200) {
                                accepted.add(name);
                            } else {
                                assertThat(response.status()).as(response.body()).isEqualTo(403);
                                assertThat(response.json().get("error").asText()).startsWith(
                                        "tenant 'acme' is at its quota of " + quota + " field names (holds ");
                                refused.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(failures).as(because).isEmpty();
            assertThat(accepted).as(because).hasSize(quota);
            assertThat(refused.get()).as(because).isEqualTo(threads * perThread - quota);
            Set<String> dictionary = new HashSet<>(server.server().store().dictionary().names());
            assertThat(dictionary).as(because).containsAll(accepted).hasSize(quota + 3); // + shared, deep, shared2
            awaitProjections(server);
            assertThat(tenant(server, "acme").get("field_names").asLong()).as(because).isEqualTo(quota);
            assertThat(tenant(server, "beta").get("field_names").asLong()).as(because).isEqualTo(3);
            assertThat(send(server, "GET", "/api/v1/stats", acme, null).json().get("field_names").asLong())
                    .isEqualTo(quota);

            // At its quota, acme still writes every name the store holds, whoever brought it.
            assertThat(append(server, acme, "x", "{\"deep\":{\"shared2\":0}}").status()).isEqualTo(200);
            server.restart();
            awaitProjections(server);
            assertThat(tenant(server, "acme").get("field_names").asLong()).as(because).isEqualTo(quota);
            TestServer.Response over = append(server, acme, "x", "{\"after_restart\":1}");
            assertThat(over.status()).as(over.body()).isEqualTo(403);
            assertThat(over.json().get("error").asText()).isEqualTo("tenant 'acme' is at its quota of " + quota
                    + " field names (holds " + quota + ", the request adds 1)");
            // Another tenant brings it; once counted it is acme's to use (until then acme's request would
            // reserve it too: refused early, never admitted late), and beta's count holds it.
            assertThat(append(server, beta, "b", "{\"after_restart\":1}").status()).isEqualTo(200);
            awaitProjections(server);
            assertThat(append(server, acme, "x", "{\"after_restart\":2}").status()).isEqualTo(200);
            // Raising the quota lets one more new name in.
            assertThat(send(server, "PATCH", "/api/v1/tenants/acme", admin, "{\"max_field_names\":" + (quota + 1) + "}")
                    .status()).isEqualTo(200);
            assertThat(append(server, acme, "x", "{\"one_more\":1,\"after_restart\":3}").status()).isEqualTo(200);
            awaitProjections(server);
            assertThat(tenant(server, "acme").get("field_names").asLong()).isEqualTo(quota + 1);
            assertThat(tenant(server, "beta").get("field_names").asLong()).isEqualTo(4);
        }
    }

    /**
     * Requests refused by an enforced schema, a byte, entity or field name quota, on the single,
     * batch and NDJSON paths, leave the store's dictionary as it was.
     */
    @Test
    void requestsRefusedBySchemasOrQuotasAddNoFieldName() {
        try (TestServer server = new TestServer(data, c -> c.durability("none"))) {
            assertThat(send(server, "POST", "/api/v1/tenants", admin,
                    "{\"name\":\"acme\",\"max_bytes\":4000,\"max_entities\":3,\"max_field_names\":20}").status())
                    .isEqualTo(201);
            TestServer.Response schema = send(server, "POST", "/api/v1/schemas", admin,
                    "{\"subject\":\"order.placed\",\"schema\":{\"type\":\"object\",\"required\":[\"amount\"],"
                            + "\"properties\":{\"amount\":{\"type\":\"number\"}}},\"enforce\":true}");
            assertThat(schema.status()).as(schema.body()).isEqualTo(200);
            assertThat(append(server, acme, "a", "{\"kept\":1}").status()).isEqualTo(200);
            List<String> before = server.server().store().dictionary().names();

            String big = "x".repeat(5000);
            List<String[]> refused = List.of(
                    // schema: the single, batch and NDJSON paths
                    new String[] {"/api/v1/events", "application/json",
                            event("order.placed", "o", "{\"amount\":\"no\",\"schema1\":1}")},
                    new String[] {"/api/v1/events/batch", "application/json", "{\"events\":["
                            + event("t", "a", "{\"schema2\":1}") + ","
                            + event("order.placed", "o", "{\"schema3\":1}") + "]}"},
                    new String[] {"/api/v1/events/batch", "application/x-ndjson",
                            event("order.placed", "o", "{\"schema4\":1}") + "\n"},
                    // byte quota
                    new String[] {"/api/v1/events", "application/json", event("t", "a", "{\"bytes1\":\"" + big + "\"}")},
                    new String[] {"/api/v1/events/batch", "application/x-ndjson",
                            event("t", "a", "{\"bytes2\":\"" + big + "\"}") + "\n"},
                    // entity quota: three new entities in one batch, with the one held
                    new String[] {"/api/v1/events/batch", "application/json", "{\"events\":["
                            + event("t", "b", "{\"entity1\":1}") + "," + event("t", "c", "{\"entity2\":1}") + ","
                            + event("t", "d", "{\"entity3\":1}") + "]}"},
                    // field name quota: 20 new names with the one held
                    new String[] {"/api/v1/events", "application/json", event("t", "a", names(20))});
            for (String[] request : refused) {
                TestServer.Response response = server.send(HttpRequest.newBuilder(server.uri(request[0]))
                        .header("X-API-Key", acme).header("Content-Type", request[1])
                        .POST(HttpRequest.BodyPublishers.ofString(request[2], StandardCharsets.UTF_8)));
                assertThat(response.status()).as(request[2] + " -> " + response.body()).isIn(400, 403);
                assertThat(server.server().store().dictionary().names()).as(request[2]).isEqualTo(before);
            }
            assertThat(server.server().store().stats().totalEvents()).isEqualTo(1);
            awaitProjections(server);
            assertThat(tenant(server, "acme").get("field_names").asLong()).isEqualTo(1);
            // One name fewer fits exactly.
            assertThat(append(server, acme, "a", names(19)).status()).isEqualTo(200);
            awaitProjections(server);
            assertThat(tenant(server, "acme").get("field_names").asLong()).isEqualTo(20);
        }
    }

    /** A payload with {@code n} names {@code f0, f1, ...}. */
    private static String names(int n) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        return json.append('}').toString();
    }

    private JsonNode tenant(TestServer server, String name) {
        return send(server, "GET", "/api/v1/tenants/" + name, admin, null).json();
    }

    private static String event(String type, String entity, String payload) {
        return "{\"event_type\":\"" + type + "\",\"entity_id\":\"" + entity + "\",\"payload\":" + payload + "}";
    }

    private static TestServer.Response append(TestServer server, String key, String entity, String payload) {
        return send(server, "POST", "/api/v1/events", key, event("t", entity, payload));
    }
}
