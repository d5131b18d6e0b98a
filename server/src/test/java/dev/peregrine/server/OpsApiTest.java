package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.store.testing.SmallFileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations endpoints by real requests: the log's status, storage per file kind, deep health. */
class OpsApiTest {

    private static final int SEGMENT = 256 * 1024;

    @TempDir
    Path work;

    @Test
    void walStatusAndStorageStatsCountUsedAndAllocatedBytes() {
        try (TestServer server = new TestServer(work.resolve("data"), b -> b.segmentBytes(SEGMENT))) {
            JsonNode empty = server.get("/api/v1/ops/wal/status").json();
            assertThat(empty.get("last_position").asLong()).isZero();
            for (int i = 0; i < 2000; i++) {
                assertThat(server.postJson("/api/v1/events", EventApiTest.event("ops.t", "e" + (i % 9),
                        "{\"i\":" + i + ",\"pad\":\"" + "p".repeat(100) + "\"}")).status()).isEqualTo(200);
            }
            JsonNode wal = server.get("/api/v1/ops/wal/status").json();
            int segments = wal.get("segment_count").asInt();
            long used = wal.get("total_size").asLong();
            assertThat(segments).isGreaterThan(1);
            assertThat(wal.get("last_position").asLong()).isEqualTo(2000);
            assertThat(used).as("more than the payloads, less than the allocated segments")
                    .isGreaterThan(2000L * 100).isLessThan((long) segments * SEGMENT);
            assertThat(wal.get("fsyncs").asLong()).isPositive();
            assertThat(wal.get("last_fsync").asText()).endsWith("Z");
            assertThat(wal.get("durability").asText()).isEqualTo("fsync");

            JsonNode storage = server.get("/api/v1/ops/storage/stats").json();
            assertThat(storage.get("files").get("log").get("count").asInt()).isEqualTo(segments);
            assertThat(storage.get("files").get("log").get("bytes").asLong()).isEqualTo((long) segments * SEGMENT);
            assertThat(storage.get("files").get("fields.dict").get("bytes").asLong()).isPositive();
            assertThat(storage.get("log_bytes_used").asLong()).isEqualTo(used);
            assertThat(storage.get("parquet_files").asInt()).isZero();
            assertThat(storage.get("disk_free_bytes").asLong()).isPositive();
            assertThat(storage.get("total_bytes").asLong()).isGreaterThanOrEqualTo((long) segments * SEGMENT);
            assertThat(storage.toString()).doesNotContain(work.toString());

            JsonNode stats = server.get("/api/v1/stats").json();
            assertThat(stats.get("bytes_on_disk").asLong()).as("used, not allocated")
                    .isGreaterThanOrEqualTo(used).isLessThan((long) segments * SEGMENT);

            server.postJson("/api/v1/events", EventApiTest.event("ops.t", "e1", "{}"));
            assertThat(server.get("/api/v1/ops/wal/status").json().get("total_size").asLong()).isGreaterThan(used);
        }
    }

    @Test
    void deepHealthReportsEachComponentAndTheFollowersLag() throws Exception {
        try (TestServer server = new TestServer(work.resolve("data"))) {
            for (int i = 0; i < 50; i++) {
                server.postJson("/api/v1/events", EventApiTest.event("ops.t", "e" + i, "{\"n\":" + i + "}"));
            }
            assertThat(server.postJson("/api/v1/views", "{\"name\":\"per_type\",\"event_types\":[\"ops.t\"],"
                    + "\"group_by\":[{\"field\":\"n\",\"as\":\"n\"}],\"aggregates\":[{\"fn\":\"count\",\"as\":\"c\"}]}")
                    .status()).isBetween(200, 201);
            TestServer.Response r = server.get("/api/v1/ops/health/deep");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode health = r.json();
            assertThat(health.get("status").asText()).isEqualTo("healthy");
            JsonNode components = health.get("components");
            assertThat(components.get("log").get("writable").asBoolean()).isTrue();
            assertThat(components.get("log").get("last_position").asLong()).isEqualTo(50);
            assertThat(components.get("disk").get("status").asText()).isEqualTo("ok");
            assertThat(components.get("projections").get("lag").has("entity_snapshots")).isTrue();
            assertThat(components.get("views").get("lag").get("per_type").asLong()).isBetween(0L, 50L);
            assertThat(components.get("subscriptions").get("open").asInt()).isZero();
        }
    }

    @Test
    void deepHealthIs503WhenTheNextSegmentWouldNotFit() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(SmallFileSystem.Kind.TMPFS, 16, work)) {
            try (TestServer server = new TestServer(fs.root().resolve("data"), b -> b.segmentBytes(4 << 20).minFreeBytes(0))) {
                server.postJson("/api/v1/events", EventApiTest.event("ops.t", "e", "{}"));
                assertThat(server.get("/api/v1/ops/health/deep").status()).isEqualTo(200);
                fs.fill(1 << 20); // less than one segment left
                TestServer.Response r = server.get("/api/v1/ops/health/deep");
                assertThat(r.status()).as(r.body()).isEqualTo(503);
                assertThat(r.json().get("status").asText()).isEqualTo("unhealthy");
                assertThat(r.json().get("components").get("disk").get("status").asText()).isEqualTo("failing");
                assertThat(server.get("/api/v1/events/query?limit=1").status()).as("reads go on").isEqualTo(200);
                fs.freeBallast();
                assertThat(server.get("/api/v1/ops/health/deep").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void belowTheWatermarkAppendsAre507ReadsGoOnAndAppendsResumeWhenSpaceIsFreed() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(SmallFileSystem.Kind.TMPFS, 32, work)) {
            Path data = fs.root().resolve("data");
            try (TestServer server = new TestServer(data, b -> b.segmentBytes(SEGMENT).minFreeBytes(8 << 20))) {
                assertThat(server.postJson("/api/v1/events", EventApiTest.event("ops.t", "e", "{\"n\":1}")).status())
                        .isEqualTo(200);
                fs.fill(6 << 20);
                TestServer.Response refused = server.postJson("/api/v1/events", EventApiTest.event("ops.t", "e", "{\"n\":2}"));
                assertThat(refused.status()).as(refused.body()).isEqualTo(507);
                JsonNode body = refused.json();
                assertThat(body.get("error").asText()).contains("below the watermark").contains("nothing was stored")
                        .doesNotContain(data.toString());
                assertThat(body.get("outcome").asText()).isEqualTo("not_written");
                assertThat(body.get("watermark_bytes").asLong()).isEqualTo(8 << 20);
                assertThat(body.get("free_bytes").asLong()).isLessThan(8 << 20);
                assertThat(server.delete("/api/v1/entities/e").status()).as("a tombstone is a write too").isEqualTo(507);
                assertThat(server.get("/api/v1/events/query?entity_id=e").json().get("count").asInt()).isEqualTo(1);
                assertThat(server.get("/api/v1/ops/health/deep").status()).isEqualTo(503);

                fs.freeBallast();
                assertThat(server.postJson("/api/v1/events", EventApiTest.event("ops.t", "e", "{\"n\":2}")).status())
                        .as("resumes without a restart").isEqualTo(200);
                assertThat(server.get("/api/v1/events/query?entity_id=e").json().get("count").asInt()).isEqualTo(2);
            }
        }
    }
}
