package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open on loopback, refused off loopback unless TLS and keys are set up or --insecure is given. */
class SecureDefaultsTest {
    @TempDir
    Path data;

    @Test
    void onLoopbackWithoutKeysTheServerRunsOpenAndIgnoresKeysSent() {
        try (TestServer server = new TestServer(data)) {
            assertThat(server.server().access()).contains("open").contains("local clients only");
            // What the AllSource SDKs send is ignored while no key file exists.
            TestServer.Response response = server.send(HttpRequest.newBuilder(server.uri("/api/v1/events"))
                    .header("X-API-Key", "sdk-default-key").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"event_type\":\"a.b\",\"entity_id\":\"e\",\"payload\":{}}")));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(server.get("/health").json().has("warnings")).isFalse();
        }
    }

    @Test
    void offLoopbackWithoutTlsOrKeysTheServerRefusesToStartAndSaysWhatToAdd() {
        assertThatThrownBy(() -> PeregrineServer.start(ServerConfig.builder().host("0.0.0.0").port(0)
                .dataDirectory(data).build()))
                .isInstanceOf(InsecureListenException.class)
                .hasMessageContaining("--tls-cert").hasMessageContaining("--tls-key")
                .hasMessageContaining("peregrine keys create").hasMessageContaining("--insecure");
        assertThat(Files.exists(data.resolve("security"))).isFalse();
    }

    @Test
    void keysAloneAreNotEnoughOffLoopback() {
        KeyRing.open(data).create("admin", Role.ADMIN, null, null);
        assertThatThrownBy(() -> PeregrineServer.start(ServerConfig.builder().host("0.0.0.0").port(0)
                .dataDirectory(data).build()))
                .isInstanceOf(InsecureListenException.class)
                .hasMessageContaining("--tls-cert").hasMessageNotContaining("keys create");
    }

    @Test
    void insecureStartsAndWarnsOnHealth() {
        try (TestServer server = new TestServer(data, config -> config.host("0.0.0.0").insecure(true))) {
            TestServer.Response health = server.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("warnings").get(0).asText()).startsWith("insecure:").contains("--insecure");
            assertThat(server.server().access()).contains("OPEN");
        }
    }

    @Test
    void tlsAndKeysOffLoopbackStartWithoutWarnings() throws Exception {
        TestCertificates.Pem pem = TestCertificates.create(Files.createDirectories(data.resolve("certs")), "s", "s");
        KeyRing.open(data).create("admin", Role.ADMIN, null, null);
        try (PeregrineServer server = PeregrineServer.start(ServerConfig.builder().host("0.0.0.0").port(0)
                .dataDirectory(data).tls(pem.certificate(), pem.key()).build())) {
            assertThat(server.access()).contains("API keys required").contains("TLS").doesNotContain("no TLS");
        }
    }
}
