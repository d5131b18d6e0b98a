package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant append quotas over HTTP: exhaustion, 429 with Retry-After, per tenant, admins unlimited.
 * The rate is so low that nothing refills while the test runs; refilling is {@link AppendQuotaTest}'s.
 */
class QuotaApiTest {
    private static final String EVENT = "{\"event_type\":\"q.x\",\"entity_id\":\"e\",\"payload\":{}}";

    @TempDir
    Path data;

    @Test
    void aTenantOverItsQuotaIsToldWhenToRetry() {
        KeyRing keys = KeyRing.open(data);
        String acme = keys.create("", Role.WRITER, "acme", null).key();
        String beta = keys.create("", Role.WRITER, "beta", null).key();
        String admin = keys.create("", Role.ADMIN, null, null).key();
        try (TestServer server = new TestServer(data, config -> config.durability("none").tenantAppendQuota(0.01, 3))) {
            for (int i = 0; i < 3; i++) {
                assertThat(post(server, acme, "/api/v1/events", EVENT).status()).isEqualTo(200);
            }
            TestServer.Response refused = post(server, acme, "/api/v1/events", EVENT);
            assertThat(refused.status()).isEqualTo(429);
            // One event at 0.01/s: 100 s, less what refilled while the test ran.
            long retryAfter = Long.parseLong(refused.header("Retry-After"));
            assertThat(retryAfter).isBetween(1L, 100L);
            assertThat(refused.json().get("retry_after_seconds").asLong()).isEqualTo(retryAfter);
            assertThat(refused.json().get("error").asText()).contains("acme").contains("quota");
            // Another tenant's bucket and admin keys are not affected.
            assertThat(post(server, beta, "/api/v1/events", EVENT).status()).isEqualTo(200);
            assertThat(post(server, admin, "/api/v1/events", EVENT).status()).isEqualTo(200);
            // A batch over the burst could never pass: 413, not 429.
            TestServer.Response tooBig = post(server, beta, "/api/v1/events/batch",
                    "[" + EVENT + "," + EVENT + "," + EVENT + "," + EVENT + "]");
            assertThat(tooBig.status()).isEqualTo(413);

            String metrics = server.send(HttpRequest.newBuilder(server.uri("/metrics")).header("X-API-Key", admin)
                    .GET()).body();
            assertThat(metrics).contains("peregrine_tenant_quota_refusals_total{tenant=\"acme\"} 1.0")
                    .contains("peregrine_tenant_events_appended_total{tenant=\"acme\"} 3.0");
            long stored = server.server().store().stats().totalEvents();
            assertThat(stored).isEqualTo(5);
        }
    }

    @Test
    void ndjsonChunksOverTheQuotaAreRefusedWithRetryAfter() {
        String acme = KeyRing.open(data).create("", Role.WRITER, "acme", null).key();
        try (TestServer server = new TestServer(data, config -> config.durability("none").tenantAppendQuota(0.01, 2))) {
            assertThat(post(server, acme, "/api/v1/events", EVENT).status()).isEqualTo(200);
            assertThat(post(server, acme, "/api/v1/events", EVENT).status()).isEqualTo(200);
            TestServer.Response refused = server.send(HttpRequest.newBuilder(server.uri("/api/v1/events/batch"))
                    .header("X-API-Key", acme).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(EVENT + "\n")));
            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(refused.json().get("ingested").asInt()).isZero();
        }
    }

    private static TestServer.Response post(TestServer server, String key, String path, String json) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("X-API-Key", key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }
}
