package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tenants writing the same entity ids in a seeded random order: on every endpoint, each
 * tenant's key sees, counts, subscribes to and changes only its own events, and an admin key sees
 * both (under the stored, tenant-scoped ids).
 */
class TenancyApiTest {
    private static final List<String> TENANTS = List.of("acme", "beta");
    private static final int EVENTS = 300;
    private static final int ENTITIES = 8;

    @TempDir
    static Path data;
    static TestServer server;
    static long seed;
    static String admin;
    static final Map<String, String> writers = new HashMap<>();
    /** Per tenant, the ids of its events in the order they were appended. */
    static final Map<String, List<String>> posted = new HashMap<>();
    /** Per tenant and entity, how many events it appended. */
    static final Map<String, Integer> counts = new HashMap<>();

    @BeforeAll
    static void start() {
        KeyRing keys = KeyRing.open(data);
        admin = keys.create("admin", Role.ADMIN, null, null).key();
        for (String tenant : TENANTS) {
            writers.put(tenant, keys.create(tenant, Role.WRITER, tenant, null).key());
            posted.put(tenant, new ArrayList<>());
        }
        // Durability is not what this test is about: no fsync per append.
        server = new TestServer(data, config -> config.durability("none").segmentBytes(4 << 20));
        seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < EVENTS; i++) {
            String tenant = TENANTS.get(random.nextInt(TENANTS.size()));
            String entity = "e" + random.nextInt(ENTITIES);
            String tenantField = random.nextBoolean() ? ",\"tenant_id\":\"" + tenant + "\"" : "";
            TestServer.Response response = post(writers.get(tenant), "/api/v1/events",
                    "{\"event_type\":\"t.x\",\"entity_id\":\"" + entity + "\"" + tenantField
                            + ",\"payload\":{\"tenant\":\"" + tenant + "\",\"i\":" + i + "}}");
            assertThat(response.status()).as("seed %d: %s", seed, response.body()).isEqualTo(200);
            int version = counts.merge(tenant + "/" + entity, 1, Integer::sum);
            // Same id, two tenants: two streams, each numbered from 1.
            assertThat(response.json().get("version").asInt()).as("seed %d", seed).isEqualTo(version);
            posted.get(tenant).add(response.json().get("event_id").asText());
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static TestServer.Response get(String key, String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("X-API-Key", key).GET());
    }

    static TestServer.Response post(String key, String path, String json) {
        return post(key, path, "application/json", json);
    }

    static TestServer.Response post(String key, String path, String type, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("X-API-Key", key)
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static List<String> ids(JsonNode events) {
        List<String> ids = new ArrayList<>();
        events.forEach(event -> ids.add(event.get("id").asText()));
        return ids;
    }

    @Test
    void queriesSeeOnlyTheirTenant() {
        for (String tenant : TENANTS) {
            JsonNode page = get(writers.get(tenant), "/api/v1/events/query?limit=1000").json();
            assertThat(ids(page.get("events"))).as("seed %d", seed).isEqualTo(posted.get(tenant));
            page.get("events").forEach(event -> {
                assertThat(event.get("tenant_id").asText()).isEqualTo(tenant);
                assertThat(event.get("entity_id").asText()).matches("e[0-9]");
            });
            String other = TENANTS.get(1 - TENANTS.indexOf(tenant));
            TestServer.Response asked = get(writers.get(tenant), "/api/v1/events/query?tenant_id=" + other);
            assertThat(asked.status()).isEqualTo(403);
            JsonNode own = get(writers.get(tenant), "/api/v1/events/query?limit=1000&entity_id=e1").json();
            assertThat(own.get("count").asInt()).as("seed %d", seed).isEqualTo(counts.getOrDefault(tenant + "/e1", 0));
        }
        JsonNode everything = get(admin, "/api/v1/events/query?limit=1000").json();
        assertThat(everything.get("count").asInt()).isEqualTo(EVENTS);
        // The admin sees the stored ids: each tenant's entities under its own prefix.
        everything.get("events").forEach(event -> assertThat(event.get("entity_id").asText())
                .matches(event.get("tenant_id").asText() + ":e[0-9]"));
    }

    @Test
    void anotherTenantsEventIsNotFound() {
        String acmeEvent = posted.get("acme").getFirst();
        TestServer.Response hidden = get(writers.get("beta"), "/api/v1/events/" + acmeEvent);
        TestServer.Response missing = get(writers.get("beta"), "/api/v1/events/" + java.util.UUID.randomUUID());
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(hidden.json().get("error").asText()).startsWith("no event with id");
        assertThat(get(writers.get("acme"), "/api/v1/events/" + acmeEvent).json().get("entity_id").asText())
                .matches("e[0-9]");
        assertThat(get(admin, "/api/v1/events/" + acmeEvent).json().get("entity_id").asText()).startsWith("acme:");
    }

    @Test
    void entityStateIsPerTenant() {
        for (String tenant : TENANTS) {
            for (int e = 0; e < ENTITIES; e++) {
                int expected = counts.getOrDefault(tenant + "/e" + e, 0);
                TestServer.Response state = get(writers.get(tenant), "/api/v1/entities/e" + e + "/state");
                if (expected == 0) {
                    assertThat(state.status()).as("seed %d", seed).isEqualTo(404);
                    continue;
                }
                assertThat(state.status()).as("seed %d: %s", seed, state.body()).isEqualTo(200);
                JsonNode body = state.json();
                assertThat(body.get("entity_id").asText()).isEqualTo("e" + e);
                assertThat(body.get("event_count").asInt()).as("seed %d", seed).isEqualTo(expected);
                assertThat(body.get("current_state").get("tenant").asText()).isEqualTo(tenant);
                assertThat(body.get("history")).hasSize(expected);
                body.get("history").forEach(h -> assertThat(h.get("payload").get("tenant").asText()).isEqualTo(tenant));
            }
        }
    }

    @Test
    void appendsNamingAnotherTenantAreRefusedAndWriteNothing() {
        String acme = writers.get("acme");
        long before = get(admin, "/api/v1/stats").json().get("total_events").asLong();
        String foreign = "{\"event_type\":\"t.x\",\"entity_id\":\"e1\",\"tenant_id\":\"beta\",\"payload\":{}}";
        String own = "{\"event_type\":\"t.x\",\"entity_id\":\"e1\",\"payload\":{}}";
        assertThat(post(acme, "/api/v1/events", foreign).status()).isEqualTo(403);
        TestServer.Response batch = post(acme, "/api/v1/events/batch", "[" + own + "," + foreign + "]");
        assertThat(batch.status()).isEqualTo(403);
        assertThat(batch.json().get("error").asText()).contains("'beta'");
        TestServer.Response ndjson = post(acme, "/api/v1/events/batch", "application/x-ndjson", foreign + "\n");
        assertThat(ndjson.status()).isEqualTo(403);
        assertThat(get(admin, "/api/v1/stats").json().get("total_events").asLong()).isEqualTo(before);
    }

    @Test
    void snapshotsProjectionsAndDeletesStayInTheirTenant() {
        String acme = writers.get("acme");
        String beta = writers.get("beta");
        String entity = sharedEntity();
        TestServer.Response created = post(acme, "/api/v1/snapshots", "{\"entity_id\":\"" + entity + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("entity_id").asText()).isEqualTo(entity);
        assertThat(get(acme, "/api/v1/snapshots/" + entity + "/latest").status()).isEqualTo(200);
        assertThat(get(beta, "/api/v1/snapshots/" + entity + "/latest").status()).isEqualTo(404);
        assertThat(get(admin, "/api/v1/snapshots/acme:" + entity + "/latest").status()).isEqualTo(200);

        for (String tenant : TENANTS) {
            TestServer.Response projected = get(writers.get(tenant), "/api/v1/projections/entity_snapshots/" + entity);
            assertThat(projected.status()).as(projected.body()).isEqualTo(200);
            assertThat(projected.json().get("state").get("tenant").asText()).isEqualTo(tenant);
            assertThat(get(writers.get(tenant), "/api/v1/entities/" + entity + "/snapshot").json()
                    .get("snapshot").get("tenant").asText()).isEqualTo(tenant);
        }

        String onlyBeta = "only-beta";
        assertThat(post(beta, "/api/v1/events", "{\"event_type\":\"t.x\",\"entity_id\":\"" + onlyBeta
                + "\",\"payload\":{\"tenant\":\"beta\"}}").status()).isEqualTo(200);
        assertThat(get(acme, "/api/v1/entities/" + onlyBeta + "/state").status()).isEqualTo(404);
        assertThat(get(acme, "/api/v1/projections/entity_snapshots/" + onlyBeta).status()).isEqualTo(404);
        TestServer.Response deleted = server.send(HttpRequest.newBuilder(server.uri("/api/v1/entities/" + onlyBeta))
                .header("X-API-Key", acme).DELETE());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(404);
        assertThat(get(beta, "/api/v1/entities/" + onlyBeta + "/state").status()).isEqualTo(200);
    }

    @Test
    void sseDeliversOnlyTheSubscribersTenant() throws Exception {
        String acme = writers.get("acme");
        HttpRequest forbidden = HttpRequest.newBuilder(server.uri("/api/v1/events/subscribe?tenant_id=beta"))
                .header("X-API-Key", acme).timeout(Duration.ofSeconds(30)).build();
        assertThat(server.client().send(forbidden, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

        HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/events/subscribe?from_position=1"))
                .header("X-API-Key", acme).timeout(Duration.ofSeconds(60)).build();
        HttpResponse<InputStream> response = server.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body();
             BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            List<String> received = new ArrayList<>();
            while (received.size() < posted.get("acme").size()) {
                JsonNode event = nextSse(reader);
                assertThat(event.get("tenant_id").asText()).as("seed %d", seed).isEqualTo("acme");
                assertThat(event.get("entity_id").asText()).doesNotStartWith("acme:");
                received.add(event.get("id").asText());
            }
            assertThat(received).as("seed %d", seed).startsWith(posted.get("acme").toArray(String[]::new));
            post(writers.get("beta"), "/api/v1/events", "{\"event_type\":\"t.live\",\"entity_id\":\"live\",\"payload\":{}}");
            String live = post(acme, "/api/v1/events", "{\"event_type\":\"t.live\",\"entity_id\":\"live\",\"payload\":{}}")
                    .json().get("event_id").asText();
            JsonNode next = nextSse(reader);
            while (!next.get("event_type").asText().equals("t.live")) {
                assertThat(next.get("tenant_id").asText()).isEqualTo("acme");
                next = nextSse(reader);
            }
            assertThat(next.get("id").asText()).isEqualTo(live);
        }
    }

    @Test
    void webSocketFiltersStayInTheSubscribersTenant() throws Exception {
        String beta = writers.get("beta");
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = server.client().newWebSocketBuilder().header("X-API-Key", beta)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/events/stream?entity_id="
                        + URLEncoder.encode("none", StandardCharsets.UTF_8)), new StreamingTest.Collector(frames))
                .get(10, TimeUnit.SECONDS);
        socket.sendText("{\"tenant_id\":\"acme\"}", true).get(10, TimeUnit.SECONDS);
        JsonNode error = TestServer.MAPPER.readTree(frames.poll(10, TimeUnit.SECONDS));
        assertThat(error.get("error").asText()).contains("'acme'");
        socket.sendText("{\"entity_id\":\"e3\",\"from_position\":1}", true).get(10, TimeUnit.SECONDS);
        List<String> expected = get(beta, "/api/v1/events/query?entity_id=e3&limit=1000").json().get("events")
                .findValuesAsText("id");
        List<String> received = new ArrayList<>();
        while (received.size() < expected.size()) {
            JsonNode event = TestServer.MAPPER.readTree(frames.poll(10, TimeUnit.SECONDS));
            assertThat(event.get("tenant_id").asText()).isEqualTo("beta");
            assertThat(event.get("entity_id").asText()).isEqualTo("e3");
            received.add(event.get("id").asText());
        }
        assertThat(received).as("seed %d", seed).isEqualTo(expected);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);

        java.util.concurrent.CompletableFuture<WebSocket> refused = server.client().newWebSocketBuilder()
                .header("X-API-Key", beta)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/events/stream?tenant_id=acme"),
                        new StreamingTest.Collector(frames));
        assertThat(refused).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOfSatisfying(java.net.http.WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
    }

    @Test
    void sharedRoutesNeedAKeyForEveryTenant() {
        for (String path : List.of("/metrics", "/api/v1/admin/keys", "/api/v1/tenants")) {
            assertThat(get(writers.get("acme"), path).status()).as(path).isEqualTo(403);
            assertThat(get(admin, path).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void statsCountEachTenantsOwnEvents() throws Exception {
        server.server().store().awaitProjections(Duration.ofSeconds(30));
        long all = get(admin, "/api/v1/stats").json().get("total_events").asLong();
        long sum = 0;
        for (String tenant : TENANTS) {
            JsonNode own = get(writers.get(tenant), "/api/v1/stats").json();
            assertThat(own.get("tenant_id").asText()).isEqualTo(tenant);
            long stored = server.server().store().query(dev.peregrine.store.Query.builder().tenantId(tenant)
                    .limit(10_000).build()).events().size();
            assertThat(stored).isGreaterThanOrEqualTo(posted.get(tenant).size());
            assertThat(own.get("total_events").asLong()).as(tenant + ", seed " + seed).isEqualTo(stored);
            sum += own.get("total_events").asLong();
        }
        assertThat(sum).isLessThanOrEqualTo(all);
    }

    @Test
    void viewsAreEachTenantsOwn() {
        String definition = "{\"name\":\"per_entity\",\"event_types\":[\"t.x\"],"
                + "\"group_by\":[{\"field\":\"$entity_id\",\"as\":\"entity\"}],"
                + "\"aggregates\":[{\"fn\":\"count\",\"as\":\"events\"}]}";
        for (String tenant : TENANTS) {
            TestServer.Response created = post(writers.get(tenant), "/api/v1/views", definition);
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            assertThat(created.json().get("name").asText()).isEqualTo("per_entity");
        }
        for (String tenant : TENANTS) {
            JsonNode listed = get(writers.get(tenant), "/api/v1/views").json();
            assertThat(listed.get("count").asInt()).isEqualTo(1);
            assertThat(listed.get("views").get(0).get("name").asText()).isEqualTo("per_entity");
            JsonNode rows = get(writers.get(tenant), "/api/v1/views/per_entity").json();
            Map<String, Integer> seen = new HashMap<>();
            rows.get("rows").forEach(row -> seen.put(row.get("entity").asText(), row.get("events").asInt()));
            Map<String, Integer> expected = new HashMap<>();
            counts.forEach((key, count) -> {
                if (key.startsWith(tenant + "/")) {
                    expected.put(tenant + ":" + key.substring(tenant.length() + 1), count);
                }
            });
            // Rows hold the stored (tenant-scoped) entity ids: a view's columns are the store's.
            assertThat(seen).as("seed %d", seed).isEqualTo(expected);
        }
        JsonNode all = get(admin, "/api/v1/views").json();
        assertThat(all.get("views").findValuesAsText("name")).contains("acme.per_entity", "beta.per_entity");
        TestServer.Response dropped = server.send(HttpRequest.newBuilder(server.uri("/api/v1/views/per_entity"))
                .header("X-API-Key", writers.get("acme")).DELETE());
        assertThat(dropped.status()).isEqualTo(200);
        assertThat(get(writers.get("acme"), "/api/v1/views/per_entity").status()).isEqualTo(404);
        assertThat(get(writers.get("beta"), "/api/v1/views/per_entity").status()).isEqualTo(200);
    }

    /** An entity both tenants wrote to. */
    private static String sharedEntity() {
        for (int e = 0; e < ENTITIES; e++) {
            if (counts.containsKey("acme/e" + e) && counts.containsKey("beta/e" + e)) {
                return "e" + e;
            }
        }
        throw new AssertionError("seed " + seed + ": no entity written by both tenants");
    }

    private static JsonNode nextSse(BufferedReader reader) throws Exception {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return TestServer.MAPPER.readTree(line.substring(6));
            }
        }
        throw new AssertionError("the stream ended");
    }
}
