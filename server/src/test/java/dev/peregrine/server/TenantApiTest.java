package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import dev.peregrine.server.tenant.TenantRegistry;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.Query;
import dev.peregrine.store.StoredEvent;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenant admin API over HTTP: create, quotas on bytes and entities (never passed, also by
 * concurrent writers), deactivation, deletion with data (also resumed at start), per-tenant stats
 * and metrics, and bad requests.
 */
class TenantApiTest {
    @TempDir
    Path data;
    String admin;
    KeyRing keys;

    @BeforeEach
    void keys() {
        keys = KeyRing.open(data);
        admin = keys.create("admin", Role.ADMIN, null, null).key();
    }

    @Test
    void anEntityQuotaRefusesTheFirstEntityOverIt() {
        String acme = keys.create("", Role.WRITER, "acme", null).key();
        try (TestServer server = new TestServer(data, c -> c.durability("none"))) {
            TestServer.Response created = send(server, "POST", "/api/v1/tenants", admin,
                    "{\"name\":\"acme\",\"max_entities\":5}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().get("state").asText()).isEqualTo("active");
            assertThat(created.json().get("max_entities").asLong()).isEqualTo(5);
            for (int i = 0; i < 5; i++) {
                assertThat(append(server, acme, "e" + i, 10).status()).isEqualTo(200);
            }
            TestServer.Response refused = append(server, acme, "e5", 10);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("error").asText()).contains("acme").contains("5 entities");
            // Existing entities take more events; a batch adding one new entity is refused whole.
            assertThat(append(server, acme, "e0", 10).status()).isEqualTo(200);
            TestServer.Response batch = send(server, "POST", "/api/v1/events/batch", acme,
                    "[" + event("e1", 1) + "," + event("e9", 1) + "]");
            assertThat(batch.status()).isEqualTo(403);
            awaitProjections(server);
            assertThat(server.server().store().stats().totalEvents()).isEqualTo(6);
            JsonNode stats = send(server, "GET", "/api/v1/stats", acme, null).json();
            assertThat(stats.get("total_entities").asLong()).isEqualTo(5);
            assertThat(stats.get("total_events").asLong()).isEqualTo(6);
            // Deleting an entity frees its place.
            assertThat(send(server, "DELETE", "/api/v1/entities/e3", acme, null).status()).isEqualTo(200);
            awaitProjections(server);
            assertThat(append(server, acme, "e5", 10).status()).isEqualTo(200);
        }
    }

    @Test
    void concurrentWritersNeverPassAByteQuota() throws InterruptedException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String acme = keys.create("", Role.WRITER, "acme", null).key();
        long quota = 20_000 + random.nextInt(20_000);
        try (TestServer server = new TestServer(data, c -> c.durability("none"))) {
            assertThat(send(server, "POST", "/api/v1/tenants", admin, "{\"name\":\"acme\",\"max_bytes\":" + quota + "}")
                    .status()).isEqualTo(201);
            int threads = 8;
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(threads);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 60; i++) {
                            int status = append(server, acme, "w" + id + "-" + (i % 4), 100).status();
                            (status == 200 ? accepted : refused).incrementAndGet();
                            assertThat(status).isIn(200, 403);
                        }
                    } finally {
                        done.countDown();
                    }
                }));
            }
            done.await();
            awaitProjections(server);
            EventStore store = server.server().store();
            long stored = 0;
            int events = 0;
            for (StoredEvent e : store.query(Query.builder().tenantId("acme").limit(10_000).build()).events()) {
                stored += e.payload().sizeInBytes() + e.metadata().map(r -> r.sizeInBytes()).orElse(0);
                events++;
            }
            String because = "seed " + seed + ", quota " + quota;
            assertThat(events).as(because).isEqualTo(accepted.get());
            assertThat(stored).as(because).isLessThanOrEqualTo(quota);
            assertThat(refused.get()).as(because).isPositive();
            JsonNode tenant = send(server, "GET", "/api/v1/tenants/acme", admin, null).json();
            assertThat(tenant.get("bytes").asLong()).as(because).isEqualTo(stored);
            assertThat(tenant.get("events").asLong()).as(because).isEqualTo(events);
            // What it holds survives a restart (the projection's checkpoint), and still counts.
            server.restart();
            awaitProjections(server);
            assertThat(send(server, "GET", "/api/v1/tenants/acme", admin, null).json().get("bytes").asLong())
                    .as(because).isEqualTo(stored);
            assertThat(append(server, acme, "w0-0", (int) (quota - stored) + 1).status()).isEqualTo(403);
            String metrics = send(server, "GET", "/metrics", admin, null).body();
            assertThat(metrics).contains("peregrine_tenant_bytes{tenant=\"acme\"} " + (double) stored);
        }
    }

    @Test
    void aDeactivatedTenantIsRefusedUntilActivatedAgainAcrossRestarts() {
        String acme = keys.create("", Role.WRITER, "acme", null).key();
        try (TestServer server = new TestServer(data, c -> c.durability("none"))) {
            assertThat(send(server, "POST", "/api/v1/tenants", admin, "{\"name\":\"acme\"}").status()).isEqualTo(201);
            assertThat(append(server, acme, "e", 1).status()).isEqualTo(200);
            TestServer.Response off = send(server, "POST", "/api/v1/tenants/acme/deactivate", admin, null);
            assertThat(off.json().get("state").asText()).isEqualTo("deactivated");
            TestServer.Response refused = append(server, acme, "e", 1);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("error").asText()).contains("deactivated");
            assertThat(send(server, "GET", "/api/v1/events/query?entity_id=e", acme, null).status()).isEqualTo(403);
            assertThat(send(server, "POST", "/api/v1/admin/keys", admin, "{\"role\":\"reader\",\"tenant\":\"acme\"}")
                    .status()).isEqualTo(409);
            server.restart();
            assertThat(append(server, acme, "e", 1).status()).isEqualTo(403);
            assertThat(send(server, "POST", "/api/v1/tenants/acme/activate", admin, null).status()).isEqualTo(200);
            assertThat(append(server, acme, "e", 1).status()).isEqualTo(200);
        }
    }

    @Test
    void deletingATenantTombstonesItsEntitiesDropsItsViewsAndGroupsRevokesItsKeysAndSparesTheOthers() throws InterruptedException {
        String acme = keys.create("", Role.WRITER, "acme", null).key();
        String beta = keys.create("", Role.WRITER, "beta", null).key();
        try (TestServer server = new TestServer(data, c -> c.durability("none"))) {
            for (int i = 0; i < 2_500; i++) {
                assertThat(append(server, i % 3 == 0 ? beta : acme, "e" + (i % 40), 5).status()).isEqualTo(200);
            }
            assertThat(send(server, "POST", "/api/v1/views", acme,
                    "{\"name\":\"counts\",\"event_types\":[\"t.x\"],\"group_by\":[{\"field\":\"$entity_id\",\"as\":\"e\"}],"
                    + "\"aggregates\":[{\"fn\":\"count\",\"as\":\"n\"}]}").status()).isEqualTo(200);
            TestServer.Response group = send(server, "POST", "/api/v1/consumer-groups", acme, "{\"name\":\"billing\"}");
            assertThat(group.status()).as(group.body()).isIn(200, 201);
            assertThat(send(server, "DELETE", "/api/v1/tenants/acme", admin, null).status()).isEqualTo(400);
            TestServer.Response started = send(server, "DELETE", "/api/v1/tenants/acme?with_data=true", admin, null);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            assertThat(started.json().get("state").asText()).isEqualTo("deleting");
            awaitGone(server, "acme");
            EventStore store = server.server().store();
            for (int e = 0; e < 40; e++) {
                assertThat(store.streamVersion("acme:e" + e)).as("acme:e" + e).isZero();
                assertThat(store.streamVersion("beta:e" + e)).as("beta:e" + e).isPositive();
            }
            assertThat(store.views().get("acme.counts")).isEmpty();
            assertThat(store.subscriptions().groupNames()).doesNotContain("acme.billing");
            assertThat(append(server, acme, "e1", 1).status()).isEqualTo(401);
            assertThat(append(server, beta, "e1", 1).status()).isEqualTo(200);
            awaitProjections(server);
            JsonNode after = send(server, "GET", "/api/v1/tenants/acme", admin, null).json();
            assertThat(after.get("entities").asLong()).isZero();
        }
    }

    @Test
    void aDeletionLeftUnfinishedIsResumedAtStart() throws InterruptedException {
        String acme = keys.create("", Role.WRITER, "acme", null).key();
        try (TestServer server = new TestServer(data, c -> c.durability("none"))) {
            for (int i = 0; i < 50; i++) {
                assertThat(append(server, acme, "e" + (i % 7), 5).status()).isEqualTo(200);
            }
        }
        // What a crash right after the DELETE was acknowledged leaves: the tenant marked, nothing done.
        TenantRegistry.open(data).markDeleting("acme");
        try (TestServer server = new TestServer(data, c -> c.durability("none"))) {
            awaitGone(server, "acme");
            for (int e = 0; e < 7; e++) {
                assertThat(server.server().store().streamVersion("acme:e" + e)).isZero();
            }
            assertThat(append(server, acme, "e1", 1).status()).isEqualTo(401);
        }
    }

    @Test
    void badRequestsAreRefusedAndNamed() {
        String writer = keys.create("", Role.WRITER, "acme", null).key();
        try (TestServer server = new TestServer(data, c -> c.durability("none"))) {
            assertThat(send(server, "POST", "/api/v1/tenants", admin, "{\"name\":\"acme\"}").status()).isEqualTo(201);
            assertError(send(server, "POST", "/api/v1/tenants", admin, "{\"name\":\"acme\"}"), 409, "exists");
            assertError(send(server, "POST", "/api/v1/tenants", admin, "{\"name\":\"Not:OK\"}"), 400, "a tenant is");
            assertError(send(server, "POST", "/api/v1/tenants", admin, "{\"name\":\"default\"}"), 400, "default");
            assertError(send(server, "POST", "/api/v1/tenants", admin, "{}"), 400, "name");
            assertError(send(server, "POST", "/api/v1/tenants", admin, "{\"name\":\"b\",\"max_bytes\":-1}"), 400, "max_bytes");
            assertError(send(server, "POST", "/api/v1/tenants", admin, "{\"name\":\"b\",\"max_bytes\":\"9\"}"), 400, "max_bytes");
            assertError(send(server, "POST", "/api/v1/tenants", admin, "{\"name\":\"b\",\"color\":1}"), 400, "color");
            assertError(send(server, "POST", "/api/v1/tenants", admin, "[1]"), 400, "JSON object");
            assertError(send(server, "PATCH", "/api/v1/tenants/acme", admin, "{\"name\":\"x\"}"), 400, "name");
            assertError(send(server, "PATCH", "/api/v1/tenants/nobody", admin, "{\"max_bytes\":1}"), 404, "nobody");
            assertError(send(server, "GET", "/api/v1/tenants/nobody", admin, null), 404, "nobody");
            assertError(send(server, "DELETE", "/api/v1/tenants/nobody?with_data=true", admin, null), 404, "nobody");
            assertError(send(server, "POST", "/api/v1/tenants", writer, "{\"name\":\"c\"}"), 403, "admin");
            assertError(send(server, "GET", "/api/v1/tenants", writer, null), 403, "admin");
            TestServer.Response patched = send(server, "PATCH", "/api/v1/tenants/acme", admin, "{\"max_bytes\":1000}");
            assertThat(patched.json().get("max_bytes").asLong()).isEqualTo(1000);
            assertThat(patched.json().get("max_entities").asLong()).isZero();
            JsonNode list = send(server, "GET", "/api/v1/tenants", admin, null).json();
            assertThat(list.get("count").asInt()).isEqualTo(1);
            assertThat(list.get("tenants").get(0).get("name").asText()).isEqualTo("acme");
        }
    }

    private static void assertError(TestServer.Response response, int status, String naming) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("error").asText()).contains(naming);
    }

    /**
     * Waits until the tenant's deletion has finished: it is no longer in the tenant file, and what
     * the API shows of it is an implicit tenant with no entity (its tombstoned events stay counted
     * until a scavenge reclaims them).
     */
    private void awaitGone(TestServer server, String tenant) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            TestServer.Response shown = send(server, "GET", "/api/v1/tenants/" + tenant, admin, null);
            if (TenantRegistry.open(data).find(tenant).isEmpty() && (shown.status() == 404
                    || shown.json().get("created_at").isNull() && !shown.json().has("deletion")
                    && shown.json().get("entities").asLong() == 0)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("tenant " + tenant + " still there: "
                + send(server, "GET", "/api/v1/tenants/" + tenant, admin, null).body());
    }

    /** Waits until the projections (the tenant usage among them) have counted every stored event. */
    static void awaitProjections(TestServer server) {
        try {
            server.server().store().awaitProjections(Duration.ofSeconds(30));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String event(String entity, int padding) {
        return "{\"event_type\":\"t.x\",\"entity_id\":\"" + entity + "\",\"payload\":{\"p\":\"" + "x".repeat(padding) + "\"}}";
    }

    private static TestServer.Response append(TestServer server, String key, String entity, int padding) {
        return send(server, "POST", "/api/v1/events", key, event(entity, padding));
    }

    /** A request with {@code key} as {@code X-API-Key}, and {@code json} as its body unless null. */
    static TestServer.Response send(TestServer server, String method, String path, String key, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).header("X-API-Key", key);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return server.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)));
    }
}
