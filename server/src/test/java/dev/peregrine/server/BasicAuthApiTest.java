package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users with passwords over HTTP Basic, as the KurrentDB clients send them on every request. */
class BasicAuthApiTest {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() {
        KeyRing keys = KeyRing.open(data);
        keys.addUser("admin", "changeit", Role.ADMIN, null);
        keys.addUser("acme-app", "s3cret: with colon", Role.WRITER, "acme");
        server = new TestServer(data, config -> config.durability("none"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static TestServer.Response get(String path, String authorization) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", authorization).GET());
    }

    @Test
    void theRightPasswordGetsInAgainAndAgain() {
        for (int i = 0; i < 20; i++) {
            assertThat(get("/api/v1/stats", basic("admin", "changeit")).status()).isEqualTo(200);
        }
    }

    @Test
    void wrongPasswordsUnknownUsersAndGarbageGetTheSame401() {
        TestServer.Response wrong = get("/api/v1/stats", basic("admin", "changeit!"));
        TestServer.Response unknown = get("/api/v1/stats", basic("nobody", "changeit"));
        TestServer.Response garbage = get("/api/v1/stats", "Basic !!!not-base64");
        TestServer.Response noColon = get("/api/v1/stats", "Basic " + Base64.getEncoder().encodeToString("admin".getBytes()));
        for (TestServer.Response response : new TestServer.Response[] {wrong, unknown, garbage, noColon}) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.body()).isEqualTo(wrong.body()).doesNotContain("changeit");
            assertThat(response.header("WWW-Authenticate")).isNotNull();
        }
    }

    @Test
    void aBodySentWithAFirstTimePasswordArrivesWhole() {
        // The first request of a credential waits for its password hash; its body must not be lost meanwhile.
        String payload = "x".repeat(200_000);
        TestServer.Response appended = server.send(HttpRequest.newBuilder(server.uri("/api/v1/events"))
                .header("Authorization", basic("acme-app", "s3cret: with colon"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"b.x\",\"entity_id\":\"order-1\","
                        + "\"payload\":{\"big\":\"" + payload + "\"}}")));
        assertThat(appended.status()).as(appended.body()).isEqualTo(200);
        TestServer.Response read = get("/api/v1/events/query?entity_id=order-1", basic("acme-app", "s3cret: with colon"));
        assertThat(read.json().get("events").get(0).get("payload").get("big").asText()).isEqualTo(payload);
        assertThat(read.json().get("events").get(0).get("tenant_id").asText()).isEqualTo("acme");
        TestServer.Response stats = get("/api/v1/stats", basic("acme-app", "s3cret: with colon"));
        assertThat(stats.json().get("tenant_id").asText()).isEqualTo("acme");
        assertThat(get("/metrics", basic("acme-app", "s3cret: with colon")).status()).isEqualTo(403);
    }

    @Test
    void aChangedPasswordAndARemovedUserStopWorkingWithoutARestart() throws InterruptedException {
        KeyRing offline = KeyRing.open(data);
        offline.addUser("temp", "first", Role.READER, null);
        awaitStatus(basic("temp", "first"), 200);
        offline.setPassword("temp", "second");
        awaitStatus(basic("temp", "first"), 401);
        assertThat(get("/api/v1/events/query", basic("temp", "second")).status()).isEqualTo(200);
        offline.removeUser("temp");
        awaitStatus(basic("temp", "second"), 401);
    }

    private static void awaitStatus(String authorization, int status) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        int last;
        while ((last = get("/api/v1/events/query", authorization).status()) != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(last).isEqualTo(status);
    }
}
