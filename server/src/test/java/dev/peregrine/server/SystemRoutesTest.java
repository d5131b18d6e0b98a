package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

class SystemRoutesTest extends SharedServer {
    @Test
    void healthReportsServiceAndVersion() {
        TestServer.Response response = server.get("/health");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.json().get("status").asText()).isEqualTo("healthy");
        assertThat(response.json().get("service").asText()).isEqualTo("peregrine");
        assertThat(response.json().get("version").asText()).isNotBlank().doesNotContain("${");
    }

    @Test
    void unknownRouteIsJson404() {
        TestServer.Response response = server.get("/api/v1/nope");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").asText()).contains("no route for GET /api/v1/nope");
    }

    @Test
    void wrongMethodIsJson405WithAllow() {
        TestServer.Response response = server.send(HttpRequest.newBuilder(server.uri("/health"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("Allow")).isEqualTo("GET");
        assertThat(response.json().get("error").asText()).contains("PUT").contains("allowed: GET");
    }

    @Test
    void overlongRequestLineIsJson414() {
        TestServer.Response response = server.get("/health?x=" + "a".repeat(10_000));
        assertThat(response.status()).isEqualTo(414);
        assertThat(response.json().get("error").asText()).isNotBlank();
    }

    @Test
    void metricsCountRequestsPerRoute() {
        server.get("/health");
        TestServer.Response response = server.get("/metrics");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/plain");
        assertThat(response.body())
                .contains("peregrine_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"}")
                .contains("peregrine_http_request_duration_seconds_bucket")
                .contains("peregrine_subscribers")
                .contains("peregrine_fsyncs_total")
                .contains("peregrine_fsync_seconds_total");
    }
}
