package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.PeregrineServer;
import dev.peregrine.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine keys} on a data directory, and the client commands' {@code --api-key}. */
class KeysCommandTest {
    @TempDir
    Path data;

    @Test
    void createListRevokeOnADirectoryWhileAServerRuns() throws Exception {
        CommandLineTest.Run revokeNothing = CommandLineTest.run("keys", "revoke", "0123456789abcdef", "--data", data.toString());
        assertThat(revokeNothing.exit()).isEqualTo(1);
        assertThat(Files.exists(data.resolve("security").resolve("credentials"))).isFalse();

        CommandLineTest.Run created = CommandLineTest.run("keys", "create", "--role", "ReadOnly", "--tenant", "acme",
                "--name", "dashboard", "--expires", "P30D", "--data", data.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        String key = created.out().trim();
        assertThat(key).startsWith("pgk_");
        String id = key.substring(4, 20);
        assertThat(created.err()).contains(id).contains("reader, tenant acme").doesNotContain(key);

        CommandLineTest.Run listed = CommandLineTest.run("keys", "list", "--data", data.toString());
        assertThat(listed.out()).contains(id).contains("dashboard").contains("expires").doesNotContain(key.substring(21));

        try (PeregrineServer server = PeregrineServer.start(ServerConfig.builder().port(0).dataDirectory(data).build())) {
            assertThat(status(server, key)).isEqualTo(200);
            assertThat(status(server, null)).isEqualTo(401);
            CommandLineTest.Run stats = CommandLineTest.run("query", "--url", "http://127.0.0.1:" + server.port(),
                    "--api-key", key);
            assertThat(stats.exit()).as(stats.err()).isZero();

            assertThat(CommandLineTest.run("keys", "revoke", id, "--data", data.toString()).exit()).isZero();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (status(server, key) != 401 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(status(server, key)).isEqualTo(401);
        }
    }

    @Test
    void badArgumentsAreExplained() {
        CommandLineTest.Run admin = CommandLineTest.run("keys", "create", "--role", "admin", "--tenant", "acme",
                "--data", data.toString());
        assertThat(admin.exit()).isEqualTo(2);
        assertThat(admin.err()).contains("admin key");
        CommandLineTest.Run role = CommandLineTest.run("keys", "create", "--role", "root", "--data", data.toString());
        assertThat(role.err()).contains("admin, writer or reader");
        CommandLineTest.Run expiry = CommandLineTest.run("keys", "create", "--role", "reader", "--expires", "soon",
                "--data", data.toString());
        assertThat(expiry.err()).contains("--expires");
        assertThat(Files.exists(data.resolve("security").resolve("credentials"))).isFalse();
    }

    @Test
    void serveRefusesAnInsecureAddressNamingTheFlags() {
        CommandLineTest.Run refused = CommandLineTest.run("serve", "--host", "0.0.0.0", "--port", "0",
                "--data", data.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--tls-cert").contains("--insecure").contains("peregrine keys create");
    }

    @Test
    void usersAreAddedWithAPasswordFromStandardInputChangedAndRemoved() throws Exception {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("changeit\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            CommandLineTest.Run added = CommandLineTest.run("users", "add", "admin", "--role", "admin", "--data", data.toString());
            assertThat(added.exit()).as(added.err()).isZero();
            assertThat(added.err()).contains("admin").doesNotContain("changeit");
            assertThat(dev.peregrine.server.auth.KeyRing.open(data).verifyPassword("admin", "changeit").role())
                    .isEqualTo(dev.peregrine.server.auth.Role.ADMIN);
            System.setIn(new java.io.ByteArrayInputStream("\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            CommandLineTest.Run empty = CommandLineTest.run("users", "passwd", "admin", "--data", data.toString());
            assertThat(empty.exit()).isEqualTo(2);
            assertThat(empty.err()).contains("empty");
            CommandLineTest.Run listed = CommandLineTest.run("users", "list", "--data", data.toString());
            assertThat(listed.out()).contains("admin  admin, all tenants");
            assertThat(CommandLineTest.run("users", "remove", "admin", "--data", data.toString()).exit()).isZero();
            assertThat(CommandLineTest.run("users", "remove", "admin", "--data", data.toString()).exit()).isEqualTo(1);
        } finally {
            System.setIn(stdin);
        }
    }

    private static int status(PeregrineServer server, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/events/query"));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
