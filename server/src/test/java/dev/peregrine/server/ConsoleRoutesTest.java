package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The console's HTTP side, by real requests: the index and its assets (content types, caching,
 * compression, security headers, every module import resolvable) and the JSON endpoints the
 * console reads besides the public API.
 */
class ConsoleRoutesTest extends SharedServer {
    private static final Pattern ASSET = Pattern.compile("/console/assets/([0-9a-f]{12})/([A-Za-z.]+)");
    private static final Pattern IMPORT = Pattern.compile("(?:from\\s+|import\\()\\s*'\\./([A-Za-z.]+)'");

    @Test
    void indexIsServedAtRootAndConsoleWithStrictHeadersAndNoCache() {
        for (String path : new String[] {"/", "/console", "/console/"}) {
            TestServer.Response index = server.get(path);
            assertThat(index.status()).as(path).isEqualTo(200);
            assertThat(index.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
            assertThat(index.header("Cache-Control")).isEqualTo("no-cache");
            String csp = index.header("Content-Security-Policy");
            assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'",
                    "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
            assertThat(index.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(index.body()).contains("<script type=\"module\" src=\"/console/assets/")
                    // No inline script: every script element has a src.
                    .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
        }
    }

    @Test
    void everyAssetAndEveryModuleImportResolvesWithItsContentTypeAndImmutableCaching() {
        String index = server.get("/").body();
        Matcher assets = ASSET.matcher(index);
        Set<String> pending = new LinkedHashSet<>();
        String version = null;
        while (assets.find()) {
            version = assets.group(1);
            pending.add(assets.group(2));
        }
        assertThat(pending).contains("app.js", "console.css", "uPlot.min.js", "uPlot.min.css", "favicon.svg");
        Set<String> seen = new LinkedHashSet<>();
        while (!pending.isEmpty()) {
            String name = pending.iterator().next();
            pending.remove(name);
            if (!seen.add(name)) {
                continue;
            }
            TestServer.Response asset = server.get("/console/assets/" + version + "/" + name);
            assertThat(asset.status()).as(name).isEqualTo(200);
            assertThat(asset.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
            assertThat(asset.header("Content-Type")).as(name).isEqualTo(switch (name.substring(name.lastIndexOf('.'))) {
                case ".js" -> "text/javascript; charset=utf-8";
                case ".css" -> "text/css; charset=utf-8";
                case ".svg" -> "image/svg+xml";
                default -> throw new AssertionError("unexpected asset " + name);
            });
            Matcher imports = IMPORT.matcher(asset.body());
            while (imports.find()) {
                pending.add(imports.group(1));
            }
        }
        assertThat(seen).contains("api.js", "ui.js", "dashboard.js", "events.js", "tail.js", "entity.js", "views.js");
    }

    @Test
    void assetsAreGzippedWhenTheClientAcceptsItAndDecompressToTheSameBytes() throws Exception {
        String app = assetPath("app.js").replace("app.js", "uPlot.min.js");
        byte[] plain = bytes(app, null);
        HttpResponse<byte[]> gzipped = raw(app, "gzip, deflate, br");
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gzipped.headers().firstValue("Vary")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("accept-encoding"));
        assertThat(gzipped.body().length).isLessThan(plain.length / 2);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        assertThat(raw(app, "gzip;q=0, identity").headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(raw(app, null).headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void aRevalidatedIndexIsA304AndAnAssetOfAnotherVersionIsAJson404() {
        TestServer.Response index = server.get("/");
        TestServer.Response again = server.send(HttpRequest.newBuilder(server.uri("/"))
                .header("If-None-Match", index.header("ETag")).GET());
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        TestServer.Response stale = server.get("/console/assets/000000000000/app.js");
        assertThat(stale.status()).isEqualTo(404);
        assertThat(stale.json().get("error").asText()).contains("app.js", "reload");
        assertThat(server.get(assetPath("app.js").replace("app.js", "secret.properties")).status()).isEqualTo(404);
        assertThat(server.get(assetPath("app.js").replace("app.js", "..%2Fversion.properties")).status()).isEqualTo(404);
    }

    @Test
    void serverInfoNamesVersionDurabilityAndWarnsThatAuthenticationIsOff() {
        JsonNode info = server.get("/api/v1/server").json();
        assertThat(info.get("version").asText()).isEqualTo(PeregrineServer.version());
        assertThat(info.get("durability").asText()).isEqualTo("fsync");
        assertThat(info.get("authentication").asText()).isEqualTo("none");
        assertThat(info.get("data_directory").asText()).isEqualTo(data.toAbsolutePath().toString());
        assertThat(Instant.parse(info.get("started_at").asText())).isBefore(Instant.now());
        assertThat(info.get("uptime_seconds").asLong()).isNotNegative();
        assertThat(info.get("warnings").toString()).contains("authentication disabled");
    }

    @Test
    void metricsHistoryRecordsAppendRatesLatencyAndStoreSizePerSecond() throws InterruptedException {
        long before = System.currentTimeMillis() - 1;
        for (int i = 0; i < 10; i++) {
            TestServer.Response appended = server.postJson("/api/v1/events",
                    EventApiTest.event("history.tick", "history-" + i, "{\"i\":" + i + "}"));
            assertThat(appended.status()).isEqualTo(200);
        }
        long stored = server.get("/api/v1/stats").json().get("total_events").asLong();
        // Poll the samples taken since the appends began until one has seen all of them stored.
        double eventRate = 0;
        double p99 = 0;
        double fsyncRate = 0;
        long storedSeen = -1;
        long after = before;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (storedSeen < stored && Instant.now().isBefore(deadline)) {
            JsonNode history = server.get("/api/v1/metrics/history?after_ms=" + after).json();
            assertThat(history.get("interval_ms").asLong()).isEqualTo(1000);
            assertThat(history.get("capacity").asLong()).isEqualTo(900);
            JsonNode times = history.get("time_ms");
            for (int i = 0; i < times.size(); i++) {
                assertThat(times.get(i).asLong()).isGreaterThan(after);
                after = times.get(i).asLong();
                eventRate = Math.max(eventRate, history.get("events_per_second").get(i).asDouble());
                fsyncRate = Math.max(fsyncRate, history.get("fsyncs_per_second").get(i).asDouble());
                p99 = Math.max(p99, history.get("append_p99_ms").get(i).asDouble());
                storedSeen = history.get("events_stored").get(i).asLong();
                assertThat(history.get("bytes_on_disk").get(i).asLong()).isPositive();
            }
            Thread.sleep(200);
        }
        assertThat(storedSeen).as("a sample that saw every event stored, within 30 s").isEqualTo(stored);
        assertThat(eventRate).isPositive();
        assertThat(fsyncRate).as("durability fsync forces the log for appends").isPositive();
        assertThat(p99).isPositive();
        TestServer.Response bad = server.get("/api/v1/metrics/history?after_ms=-1");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("after_ms");
    }

    @Test
    void entitySearchFindsSubstringsCaseInsensitivelyPrefixesFirstAndSaysTheScanWasComplete() {
        for (String id : new String[] {"cust-zed-1", "zed-customer", "other-1", "ZED-upper"}) {
            assertThat(server.postJson("/api/v1/events", EventApiTest.event("search.seed", id, "{}")).status()).isEqualTo(200);
        }
        JsonNode found = server.get("/api/v1/entities?contains=zed").json();
        assertThat(found.get("complete").asBoolean()).isTrue();
        assertThat(found.get("count").asInt()).isEqualTo(3);
        Set<String> ids = new LinkedHashSet<>();
        found.get("entities").forEach(match -> ids.add(match.get("entity_id").asText()));
        // Prefix matches first, newest first within each group.
        assertThat(ids).containsExactly("ZED-upper", "zed-customer", "cust-zed-1");
        assertThat(found.get("entities").get(0).get("version").asLong()).isEqualTo(1);
        assertThat(server.get("/api/v1/entities?contains=zed&limit=1").json().get("count").asInt()).isEqualTo(1);
        assertThat(server.get("/api/v1/entities?contains=nothing-like-this").json().get("count").asInt()).isZero();
        TestServer.Response bad = server.get("/api/v1/entities?limit=0");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("limit");
    }

    @Test
    void anInvalidViewDefinitionNamesTheOffendingPartInAField() {
        TestServer.Response refused = server.postJson("/api/v1/views", "{\"name\":\"bad\",\"aggregates\":[{\"fn\":\"count\","
                + "\"as\":\"n\"},{\"fn\":\"median\",\"field\":\"x\",\"as\":\"m\"}]}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("where").asText()).isEqualTo("aggregates[1].fn");
        assertThat(refused.json().get("error").asText()).startsWith("aggregates[1].fn: ");
    }

    private static String assetPath(String name) {
        Matcher matcher = ASSET.matcher(server.get("/").body());
        assertThat(matcher.find()).isTrue();
        return "/console/assets/" + matcher.group(1) + "/" + name;
    }

    private static byte[] bytes(String path, String acceptEncoding) throws IOException, InterruptedException {
        return raw(path, acceptEncoding).body();
    }

    private static HttpResponse<byte[]> raw(String path, String acceptEncoding) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).GET();
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        HttpResponse<byte[]> response = server.client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }
}
