package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures on the server's side answer a 500 that says where to look (a reference into the server
 * log) and nothing else: no file path, no exception text. Provoked for real, by closing the store
 * under the running server, which makes every store call fail with a StorageFailureException whose
 * message names the data directory.
 */
class ServerErrorTest {
    @TempDir
    Path data;

    @Test
    void storageFailuresNeverShowAPath() {
        try (TestServer server = new TestServer(data)) {
            assertThat(server.postJson("/api/v1/events", EventApiTest.event("ok.t", "ok-1", "{}")).status()).isEqualTo(200);
            String directory = server.server().store().directory().toAbsolutePath().toString();
            server.server().store().close();

            TestServer.Response[] failures = {
                server.postJson("/api/v1/events", EventApiTest.event("fail.t", "fail-1", "{}")),
                server.postJson("/api/v1/events/batch", "{\"events\":[" + EventApiTest.event("fail.t", "fail-2", "{}") + "]}"),
                server.post("/api/v1/events/batch", NdjsonIngest.MEDIA_TYPE,
                        (EventApiTest.event("fail.t", "fail-3", "{}") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                server.get("/api/v1/events/query?entity_id=ok-1"),
                server.get("/api/v1/entities/ok-1/state"),
                server.postJson("/api/v1/snapshots", "{\"entity_id\":\"ok-1\"}"),
            };
            // A closed store stores nothing: 503 "not written" (a refusal, safe to retry), never a path.
            for (TestServer.Response failure : failures) {
                assertThat(failure.status()).as(failure.body()).isEqualTo(503);
                assertThat(failure.body()).doesNotContain(directory).doesNotContain(data.getFileName().toString());
                assertThat(failure.json().get("error").asText())
                        .isEqualTo("storage unavailable: the store is closed; nothing was stored");
                assertThat(failure.json().get("outcome").asText()).isEqualTo("not_written");
            }
        }
    }

    /**
     * A file damaged under the running server (here the snapshot a read needs) is the server's
     * failure, not the client's: a 500 with a reference, never the file's path or the checksum text.
     */
    @Test
    void aDamagedFileIsAReferencedInternalError() throws Exception {
        try (TestServer server = new TestServer(data)) {
            assertThat(server.postJson("/api/v1/events", EventApiTest.event("ok.t", "ok-1", "{\"a\":1}")).status()).isEqualTo(200);
            assertThat(server.postJson("/api/v1/snapshots", "{\"entity_id\":\"ok-1\"}").status()).isEqualTo(200);
            Path snapshots = server.server().store().directory().resolve("snapshots.dat");
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(snapshots.toFile(), "rw")) {
                f.seek(f.length() - 1);
                int last = f.read();
                f.seek(f.length() - 1);
                f.write(last ^ 0x01);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.server().store().latestSnapshot("ok-1"))
                    .isInstanceOf(dev.peregrine.store.CorruptFileException.class);
            TestServer.Response damaged = server.get("/api/v1/snapshots/ok-1/latest");
            assertThat(damaged.status()).as(damaged.body()).isEqualTo(500);
            assertThat(damaged.json().get("error").asText()).startsWith("internal error; see the server log (ref ");
            assertThat(damaged.json().get("ref").asText()).isNotEmpty();
            assertThat(damaged.body()).doesNotContain("snapshots.dat").doesNotContain(data.getFileName().toString())
                    .doesNotContain("CRC");
            assertThat(damaged.json().has("outcome")).as("not a storage failure").isFalse();
        }
    }
}
