package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.backup.BackupProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST/GET /api/v1/ops/backup} by real requests, while other clients append. */
class BackupApiTest {

    @TempDir
    Path tmp;

    @Test
    void aBackupTakenWhileClientsAppendRestoresToItsPosition() throws Exception {
        Path backups = tmp.resolve("backups");
        try (TestServer server = new TestServer(tmp.resolve("data"),
                b -> b.segmentBytes(StoreOptions.MIN_SEGMENT_BYTES).backupDirectory(backups))) {
            assertThat(server.get("/api/v1/ops/backup").status()).isEqualTo(404);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong appended = new AtomicLong();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int client = t;
                clients.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        int status = server.postJson("/api/v1/events", EventApiTest.event("order.placed",
                                "order-" + client + "-" + (i % 50), "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(200) + "\"}"))
                                .status();
                        assertThat(status).isEqualTo(200);
                        appended.incrementAndGet();
                    }
                }));
            }
            try {
                long[] positions = new long[2];
                for (int round = 0; round < 2; round++) {
                    while (appended.get() < 1500L * (round + 1)) {
                        Thread.sleep(10);
                    }
                    TestServer.Response started = server.postJson("/api/v1/ops/backup", "{\"name\":\"nightly\"}");
                    assertThat(started.status()).isEqualTo(202);
                    JsonNode job = started.json();
                    assertThat(job.get("name").asText()).isEqualTo("nightly");
                    while (job.get("state").asText().equals("running")) {
                        Thread.sleep(20);
                        job = server.get("/api/v1/ops/backup").json();
                    }
                    assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("done");
                    assertThat(job.get("bytes_done").asLong()).isEqualTo(job.get("bytes_total").asLong());
                    positions[round] = job.get("position").asLong();
                    if (round == 1) {
                        assertThat(job.get("files_reused").asInt()).as("incremental").isPositive();
                        assertThat(job.get("bytes_copied").asLong()).isLessThan(job.get("bytes").asLong());
                    }
                }
                assertThat(positions[1]).isGreaterThan(positions[0]);
                Path restored = tmp.resolve("restored");
                EventStore.restore(backups.resolve("nightly"), restored, BackupProgress.NONE);
                try (EventStore copy = EventStore.open(restored, StoreOptions.defaults())) {
                    assertThat(copy.lastPosition()).isEqualTo(positions[1]);
                    assertThat(copy.stats().totalEvents()).isEqualTo(positions[1]);
                    for (long p = 1; p <= positions[1]; p += 97) {
                        JsonNode original = server.get("/api/v1/events/" + copy.query(dev.peregrine.store.Query.builder()
                                .fromPosition(p).limit(1).build()).events().getFirst().id()).json();
                        assertThat(original.get("position").asLong()).isEqualTo(p);
                    }
                }
            } finally {
                stop.set(true);
                for (Thread c : clients) {
                    c.join();
                }
            }
        }
    }

    @Test
    void badNamesAndFailedBackupsAnswerWithoutPaths() throws Exception {
        Path backups = tmp.resolve("not-a-directory");
        Files.writeString(backups, "a file where the backup directory should be");
        try (TestServer server = new TestServer(tmp.resolve("data"), b -> b.backupDirectory(backups))) {
            server.postJson("/api/v1/events", EventApiTest.event("a.b", "e1", "{}"));
            for (String body : List.of("{\"name\":\"../etc\"}", "{\"name\":\"\"}", "{\"name\":7}", "[1]",
                    "{\"name\":\"a/b\"}", "{\"name\":\"" + "n".repeat(65) + "\"}")) {
                TestServer.Response r = server.postJson("/api/v1/ops/backup", body);
                assertThat(r.status()).as(body).isEqualTo(400);
                assertThat(r.json().get("error").asText()).as(body).contains("name");
            }
            TestServer.Response started = server.postJson("/api/v1/ops/backup", "");
            assertThat(started.status()).isEqualTo(202);
            assertThat(started.json().get("name").asText()).isEqualTo("latest");
            JsonNode job = started.json();
            while (job.get("state").asText().equals("running")) {
                Thread.sleep(20);
                job = server.get("/api/v1/ops/backup").json();
            }
            assertThat(job.get("state").asText()).isEqualTo("failed");
            assertThat(job.get("error").asText()).doesNotContain(tmp.toString()).isNotEmpty();
        }
    }
}
