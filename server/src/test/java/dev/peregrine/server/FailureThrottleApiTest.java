package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over HTTP: an address that keeps failing is slowed, and a valid key from it still gets in. */
class FailureThrottleApiTest {
    @TempDir
    Path data;

    @Test
    void repeatedFailuresAreSlowedButNeverLockOutAValidKey() {
        String key = KeyRing.open(data).create("", Role.READER, null, null).key();
        try (TestServer server = new TestServer(data)) {
            for (int i = 0; i < FailureThrottle.FREE_FAILURES + 4; i++) {
                assertThat(get(server, "guess-" + i, "/api/v1/events/query").status()).isEqualTo(401);
            }
            assertThat(get(server, key, "/api/v1/events/query").status()).isEqualTo(200);
            assertThat(get(server, key, "/metrics").body()).contains("peregrine_auth_failures_delayed_total 4.0");
        }
    }

    private static TestServer.Response get(TestServer server, String key, String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("X-API-Key", key).GET());
    }
}
