package dev.peregrine.flight;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinksTest {
    @TempDir
    Path dir;

    @Test
    void ndjsonFileRollsAndKeepsEveryEvent() throws Exception {
        Path file = dir.resolve("logs/app.ndjson");
        FlightRecorder recorder = FlightRecorder.builder().capacity(1 << 14).snapshotDirectory(dir).ndjsonFile(file, 4096, 100).build();
        FlightLogger log = recorder.logger("orders");
        for (int i = 0; i < 500; i++) {
            log.atInfo("order {}").arg(i).log();
        }
        recorder.close();
        List<String> lines;
        try (Stream<Path> files = Files.list(file.getParent())) {
            List<Path> all = files.toList();
            assertThat(all.size()).as("rolled files").isGreaterThan(2);
            for (Path p : all) {
                assertThat(Files.size(p)).isLessThanOrEqualTo(4096);
            }
            lines = all.stream().flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(lines).hasSize(500);
        assertThat(lines).allMatch(l -> l.startsWith("{\"timestamp\":") && l.endsWith("}"));
        assertThat(recorder.metrics().sinkEvents()).isEqualTo(500);
    }

    @Test
    void httpForwardingPostsNdjsonBatches() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> contentTypes = new CopyOnWriteArrayList<>();
        server.createContext("/api/v1/events/batch", exchange -> {
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            FlightRecorder recorder = FlightRecorder.builder().capacity(1 << 12).snapshotDirectory(dir)
                    .httpForward(url, 50, 1000, Duration.ofMillis(50)).build();
            FlightLogger log = recorder.logger("svc.api");
            for (int i = 0; i < 120; i++) {
                log.atWarn("slow request {}").arg(i).log();
            }
            recorder.close();
            List<String> lines = bodies.stream().flatMap(b -> b.lines()).toList();
            assertThat(lines).hasSize(120);
            assertThat(bodies.size()).isGreaterThanOrEqualTo(3);
            assertThat(contentTypes).containsOnly("application/x-ndjson");
            assertThat(lines.getFirst()).startsWith("{\"event_type\":\"log.warn\",\"entity_id\":\"svc.api\",\"payload\":{")
                    .contains("\"message\":\"slow request 0\"");
            assertThat(recorder.metrics().httpSent()).isEqualTo(120);
            assertThat(recorder.metrics().httpDropped()).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableServerNeverBlocksAndCountsFailures() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(1 << 12).snapshotDirectory(dir)
                .httpForward(URI.create("http://127.0.0.1:1"), 10, 20, Duration.ofMillis(10)).build();
        FlightLogger log = recorder.logger("svc");
        for (int i = 0; i < 1000; i++) {
            log.atInfo("e {}").arg(i).log();
        }
        recorder.close();
        FlightMetrics m = recorder.metrics();
        assertThat(m.recorded()).isEqualTo(1000);
        assertThat(m.httpSent()).isZero();
        assertThat(m.httpDropped() + m.httpFailed()).isEqualTo(1000);
    }

    @Test
    void consoleLinesAreReadableAndColouredOnlyWhenAsked() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(8).snapshotDirectory(dir).build();
        recorder.logger("orders").atError("order {} failed").arg(7).field("venue", "XNAS").log();
        FlightEvent e = FlightSnapshot.read(recorder.snapshot("console")).events().getFirst();
        String plain = e.toLine(false);
        assertThat(plain).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z ERROR \\[.*\\] orders - order 7 failed \\{venue=XNAS\\}");
        String coloured = e.toLine(true);
        assertThat(coloured).contains("\u001b[31;1mERROR\u001b[0m");
    }

    @Test
    void errorEventsTriggerOneRateLimitedSnapshot() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(64).snapshotDirectory(dir)
                .snapshotOnError(true, Duration.ofHours(1)).build();
        FlightLogger log = recorder.logger("svc");
        for (int i = 0; i < 5; i++) {
            log.atError("failure {}").arg(i).log();
        }
        Path snapshot = null;
        for (int attempt = 0; attempt < 500 && snapshot == null; attempt++) {
            try (Stream<Path> files = Files.list(dir)) {
                snapshot = files.filter(p -> p.toString().endsWith("-error.pgfl")).findFirst().orElse(null);
            }
            if (snapshot == null) {
                Thread.sleep(20);
            }
        }
        assertThat(snapshot).as("an error snapshot appears").isNotNull();
        assertThat(FlightSnapshot.read(snapshot).header().reason()).isEqualTo("error");
        log.atError("later failure").log();
        // Nothing else was triggered within the interval: exactly one snapshot was taken.
        assertThat(recorder.metrics().snapshots()).isEqualTo(1);
    }
}
