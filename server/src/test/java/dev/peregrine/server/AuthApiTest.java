package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys over real HTTP: who gets in, with which answer, and what is counted. */
class AuthApiTest {
    private static final String EVENT = "{\"event_type\":\"user.created\",\"entity_id\":\"user-1\",\"payload\":{}}";

    @TempDir
    static Path data;
    static TestServer server;
    static KeyRing.Created admin;
    static KeyRing.Created writer;
    static KeyRing.Created reader;
    static KeyRing.Created tenantReader;
    static KeyRing.Created expiring;

    @BeforeAll
    static void start() {
        KeyRing keys = KeyRing.open(data);
        admin = keys.create("admin", Role.ADMIN, null, null);
        writer = keys.create("writer", Role.WRITER, null, null);
        reader = keys.create("reader", Role.READER, null, null);
        tenantReader = keys.create("acme reader", Role.READER, "acme", null);
        expiring = keys.create("short", Role.READER, null, Instant.now().plusMillis(1_500));
        server = new TestServer(data);
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        server.close();
        deleteTree(ServerConfig.defaultBackupDirectory(data)); // beside the temporary directory: not removed with it
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (java.nio.file.Files.exists(root)) {
            try (var all = java.nio.file.Files.walk(root)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
    }

    static TestServer.Response get(String path, String header, String value) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).GET();
        if (header != null) {
            request.header(header, value);
        }
        return server.send(request);
    }

    static TestServer.Response post(String path, String key, String json) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("X-API-Key", key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void operationsReadsNeedAKeyOfNoTenantAndBackupsAndTheServerLogNeedAdmin() throws java.io.IOException {
        for (String path : List.of("/api/v1/ops/wal/status", "/api/v1/ops/storage/stats", "/api/v1/ops/health/deep",
                "/api/v1/server", "/api/v1/metrics/history", "/api/v1/entities?contains=user")) {
            assertThat(get(path, null, null).status()).as(path).isEqualTo(401);
            assertThat(get(path, "X-API-Key", reader.key()).status()).as(path).isEqualTo(200);
            assertThat(get(path, "X-API-Key", tenantReader.key()).status()).as(path).isEqualTo(403);
        }
        assertThat(post("/api/v1/ops/backup", writer.key(), "{\"name\":\"auth\"}").status()).isEqualTo(403);
        assertThat(get("/api/v1/ops/backup", "X-API-Key", reader.key()).status()).isEqualTo(403);
        assertThat(get("/api/v1/log", "X-API-Key", writer.key()).status()).isEqualTo(403);
        assertThat(post("/api/v1/ops/backup", admin.key(), "{\"name\":\"auth\"}").status()).isEqualTo(202);
        TestServer.Response job = get("/api/v1/ops/backup", "X-API-Key", admin.key());
        assertThat(job.status()).isEqualTo(200);
        for (int i = 0; i < 500 && job.json().get("state").asText().equals("running"); i++) {
            job = get("/api/v1/ops/backup", "X-API-Key", admin.key());
        }
        assertThat(job.json().get("state").asText()).isEqualTo("done");
        // The backup holds the keys: a server restored from it lets the same admin in, and no one else.
        Path restored = data.resolveSibling(data.getFileName() + "-restored");
        dev.peregrine.store.EventStore.restore(ServerConfig.defaultBackupDirectory(data).resolve("auth"), restored,
                dev.peregrine.store.backup.BackupProgress.NONE);
        try {
            KeyRing keys = KeyRing.open(restored);
            assertThat(keys.verify(admin.key()).role()).isEqualTo(Role.ADMIN);
            assertThat(keys.list()).extracting(k -> k.name()).contains("admin", "writer", "reader", "acme reader");
        } finally {
            deleteTree(restored);
        }
        // The console's page loads without a key, so that it can ask for one.
        assertThat(get("/", null, null).status()).isEqualTo(200);
    }

    @Test
    void schemasAreRegisteredByAdminAndReadByAnyReaderReplaysAreAdminsAndTheirProgressNoTenantsOnly() {
        String schema = "{\"subject\":\"auth.schema\",\"schema\":{\"type\":\"object\"}}";
        assertThat(post("/api/v1/schemas", writer.key(), schema).status()).isEqualTo(403);
        assertThat(post("/api/v1/schemas", admin.key(), schema).status()).isEqualTo(200);
        for (KeyRing.Created key : List.of(reader, tenantReader)) {
            assertThat(get("/api/v1/schemas/auth.schema", "X-API-Key", key.key()).status()).isEqualTo(200);
            assertThat(post("/api/v1/schemas/validate", key.key(),
                    "{\"subject\":\"auth.schema\",\"payload\":{}}").json().get("valid").asBoolean()).isTrue();
        }
        TestServer.Response mode = server.send(HttpRequest.newBuilder(server.uri("/api/v1/schemas/auth.schema/compatibility"))
                .header("X-API-Key", writer.key()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"NONE\"}")));
        assertThat(mode.status()).isEqualTo(403);

        String replay = "{\"projection_name\":\"event_counters\"}";
        assertThat(post("/api/v1/replay", writer.key(), replay).status()).isEqualTo(403);
        TestServer.Response started = post("/api/v1/replay", admin.key(), replay);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        String progress = "/api/v1/replay/" + started.json().get("replay_id").asText();
        assertThat(get(progress, "X-API-Key", reader.key()).status()).isEqualTo(200);
        assertThat(get(progress, "X-API-Key", tenantReader.key()).status()).isEqualTo(403);
        assertThat(get("/api/v1/replay", "X-API-Key", tenantReader.key()).status()).isEqualTo(403);
        assertThat(post(progress + "/cancel", writer.key(), "").status()).isEqualTo(403);
    }

    @Test
    void bothHeadersAreAccepted() {
        assertThat(get("/api/v1/events/query", "X-API-Key", reader.key()).status()).isEqualTo(200);
        assertThat(get("/api/v1/events/query", "Authorization", "Bearer " + reader.key()).status()).isEqualTo(200);
        assertThat(get("/api/v1/events/query", "Authorization", "bearer  " + reader.key()).status()).isEqualTo(200);
    }

    @Test
    void everyRefusedCredentialGetsTheSame401() {
        String wrongSecret = reader.key().substring(0, reader.key().length() - 2) + "xx";
        List<TestServer.Response> refused = List.of(
                get("/api/v1/events/query", null, null),
                get("/api/v1/events/query", "X-API-Key", "garbage"),
                get("/api/v1/events/query", "X-API-Key", wrongSecret),
                get("/api/v1/events/query", "Authorization", "Bearer " + wrongSecret),
                get("/api/v1/events/query", "Authorization", "Basic YWRtaW46Y2hhbmdlaXQ="),
                get("/api/v1/events/query", "Authorization", "Bearer"));
        for (TestServer.Response response : refused) {
            assertThat(response.status()).as(response.body()).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"peregrine\"");
            assertThat(response.body()).isEqualTo(refused.getFirst().body()).doesNotContain(wrongSecret);
            assertThat(response.json().get("error").asText()).contains("X-API-Key");
        }
    }

    @Test
    void theTwoHeadersMustAgree() {
        TestServer.Response response = server.send(HttpRequest.newBuilder(server.uri("/api/v1/events/query"))
                .header("X-API-Key", reader.key()).header("Authorization", "Bearer " + writer.key()).GET());
        assertThat(response.status()).isEqualTo(401);
    }

    @Test
    void anExpiredKeyIsRefused() throws InterruptedException {
        while (Instant.now().isBefore(expiring.entry().expires())) {
            Thread.sleep(100);
        }
        assertThat(get("/api/v1/events/query", "X-API-Key", expiring.key()).status()).isEqualTo(401);
    }

    @Test
    void rolesDecide() {
        assertThat(post("/api/v1/events", reader.key(), EVENT).status()).isEqualTo(403);
        TestServer.Response forbidden = post("/api/v1/events", reader.key(), EVENT);
        assertThat(forbidden.json().get("error").asText()).contains("reader").contains("writer");
        assertThat(post("/api/v1/events", writer.key(), EVENT).status()).isEqualTo(200);
        assertThat(get("/api/v1/admin/keys", "X-API-Key", writer.key()).status()).isEqualTo(403);
        assertThat(get("/api/v1/admin/keys", "X-API-Key", admin.key()).status()).isEqualTo(200);
    }

    @Test
    void routesCoveringEveryTenantRefuseATenantBoundKey() {
        assertThat(get("/metrics", "X-API-Key", tenantReader.key()).status()).isEqualTo(403);
        assertThat(get("/metrics", "X-API-Key", reader.key()).status()).isEqualTo(200);
        // Stats answer a tenant-bound key with its own tenant's counts, never the store's.
        TestServer.Response own = get("/api/v1/stats", "X-API-Key", tenantReader.key());
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().has("tenant_id")).isTrue();
        assertThat(own.json().has("last_position")).isFalse();
        assertThat(get("/api/v1/stats", "X-API-Key", reader.key()).json().has("last_position")).isTrue();
    }

    @Test
    void healthIsOpenAndUnknownRoutesAreHiddenFromStrangers() {
        assertThat(get("/health", null, null).status()).isEqualTo(200);
        assertThat(get("/api/v1/nope", null, null).status()).isEqualTo(401);
        assertThat(get("/api/v1/nope", "X-API-Key", reader.key()).status()).isEqualTo(404);
    }

    @Test
    void keysMadeAndRevokedThroughTheAdminApiWorkAtOnce() {
        TestServer.Response created = post("/api/v1/admin/keys", admin.key(),
                "{\"role\":\"Developer\",\"tenant\":\"acme\",\"name\":\"ci\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String key = created.json().get("key").asText();
        String id = created.json().get("id").asText();
        assertThat(created.json().get("role").asText()).isEqualTo("writer");
        assertThat(created.json().get("tenant").asText()).isEqualTo("acme");
        assertThat(post("/api/v1/events", key, EVENT).status()).isEqualTo(200);

        TestServer.Response listed = get("/api/v1/admin/keys", "X-API-Key", admin.key());
        assertThat(listed.body()).contains(id).doesNotContain(key.substring(key.lastIndexOf('_')))
                .doesNotContain(admin.key().substring(admin.key().lastIndexOf('_')));

        TestServer.Response revoked = server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/keys/" + id))
                .header("X-API-Key", admin.key()).DELETE());
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(post("/api/v1/events", key, EVENT).status()).isEqualTo(401);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/keys/" + id))
                .header("X-API-Key", admin.key()).DELETE()).status()).isEqualTo(404);
    }

    @Test
    void badKeyRequestsAre400s() {
        for (String body : List.of("{}", "{\"role\":\"root\"}", "{\"role\":\"admin\",\"tenant\":\"acme\"}",
                "{\"role\":\"reader\",\"tenant\":\"Not Valid\"}", "{\"role\":\"reader\",\"expires_at\":\"2001-01-01T00:00:00Z\"}",
                "{\"role\":\"reader\",\"colour\":\"red\"}", "[]")) {
            TestServer.Response response = post("/api/v1/admin/keys", admin.key(), body);
            assertThat(response.status()).as(body + " -> " + response.body()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).isNotBlank();
        }
    }

    @Test
    void aKeyRevokedOfflineStopsWorkingWithoutARestart() throws InterruptedException {
        KeyRing.Created doomed = KeyRing.open(data).create("doomed", Role.READER, null, null);
        // Created by another process: the server sees it once its file watch has reloaded the file.
        awaitStatus(doomed.key(), 200);
        KeyRing.open(data).revoke(doomed.entry().id());
        awaitStatus(doomed.key(), 401);
    }

    @Test
    void failuresAreCountedWithoutSecrets() {
        get("/api/v1/events/query", "X-API-Key", "garbage");
        get("/api/v1/events/query", null, null);
        post("/api/v1/events", reader.key(), EVENT);
        String metrics = get("/metrics", "X-API-Key", reader.key()).body();
        assertThat(metrics).contains("peregrine_auth_failures_total{reason=\"malformed\"}")
                .contains("peregrine_auth_failures_total{reason=\"missing\"}")
                .contains("peregrine_auth_failures_total{reason=\"forbidden\"}");
        for (KeyRing.Created key : List.of(admin, writer, reader, tenantReader)) {
            assertThat(metrics).doesNotContain(key.key().substring(key.key().lastIndexOf('_')));
        }
    }

    private static void awaitStatus(String key, int status) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        int last;
        while ((last = get("/api/v1/events/query", "X-API-Key", key).status()) != status
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(last).isEqualTo(status);
    }
}
