package dev.peregrine.cli.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.flight.FlightLogger;
import dev.peregrine.flight.FlightRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FlightCommandTest {
    @TempDir
    Path dir;
    private Path snapshot;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void record() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(64).service("shop").snapshotDirectory(dir).build();
        FlightLogger orders = recorder.logger("shop.orders");
        FlightLogger db = recorder.logger("shop.db");
        for (int i = 0; i < 5; i++) {
            orders.atInfo("order {} filled qty={} px={}").arg(40L + i).arg(i).arg(100.5).field("venue", "XNAS").log();
        }
        db.atWarn("slow query {} ms").arg(250).log();
        db.atError("connection lost").arg(new java.io.IOException("reset by peer")).log();
        snapshot = recorder.snapshot("test");
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new FlightCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private List<String> lines() {
        return out.toString().lines().toList();
    }

    @Test
    void showPrintsFilteredText() {
        assertThat(run("show", snapshot.toString(), "--level", "WARN", "--color", "never")).isZero();
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).contains("WARN").contains("shop.db - slow query 250 ms");
        assertThat(lines().get(1)).contains("ERROR").contains("connection lost java.io.IOException: reset by peer");
    }

    @Test
    void showFiltersByTargetTextAndLimit() {
        assertThat(run("show", snapshot.toString(), "-t", "shop.orders", "--text", "filled", "-n", "2", "--tail", "--color", "never")).isZero();
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).contains("order 44 filled qty=4 px=100.5 {venue=XNAS}");
    }

    @Test
    void showIngestFormatMatchesPeregrineEvents() {
        assertThat(run("show", snapshot.toString(), "--format", "ingest", "--level", "ERROR")).isZero();
        assertThat(lines()).singleElement().asString()
                .startsWith("{\"event_type\":\"log.error\",\"entity_id\":\"shop.db\",\"payload\":{");
    }

    @Test
    void timeFilters() {
        assertThat(run("show", snapshot.toString(), "--since", "1h", "--format", "ndjson")).isZero();
        assertThat(lines()).hasSize(7);
        out.getBuffer().setLength(0);
        assertThat(run("show", snapshot.toString(), "--until", "2000-01-01T00:00:00Z")).isZero();
        assertThat(lines()).isEmpty();
        assertThat(run("show", snapshot.toString(), "--since", "yesterday")).isEqualTo(2);
        assertThat(err.toString()).contains("--since: 'yesterday' is neither");
    }

    @Test
    void grepMatchesMessagesAndFields() {
        assertThat(run("grep", "order 4[13]", snapshot.toString(), "--color", "never")).isZero();
        assertThat(lines()).hasSize(2);
        out.getBuffer().setLength(0);
        assertThat(run("grep", "-c", "-i", "xnas", snapshot.toString())).isZero();
        assertThat(lines()).containsExactly("5");
        out.getBuffer().setLength(0);
        assertThat(run("grep", "nothing-like-this", snapshot.toString())).isEqualTo(1);
        assertThat(run("grep", "(", snapshot.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("not a valid regular expression");
    }

    @Test
    void statsCountsPerLevelAndTarget() {
        assertThat(run("stats", snapshot.toString())).isZero();
        assertThat(out.toString()).contains("service:      shop").contains("reason:       test")
                .contains("INFO   5").contains("WARN   1").contains("ERROR  1").containsPattern("shop.orders\\s+5");
        out.getBuffer().setLength(0);
        assertThat(run("stats", snapshot.toString(), "--format", "json")).isZero();
        assertThat(out.toString()).contains("\"per_level\":{\"INFO\":5,\"WARN\":1,\"ERROR\":1}")
                .contains("\"per_target\":{\"shop.db\":2,\"shop.orders\":5}").contains("\"recorded\":7");
    }

    @Test
    void damagedFilesGetAClearError() throws Exception {
        byte[] bytes = Files.readAllBytes(snapshot);
        Path cut = dir.resolve("cut.pgfl");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThat(run("show", cut.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("truncated snapshot").contains("cut.pgfl");
        assertThat(run("stats", dir.resolve("missing.pgfl").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("no such file");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("show", "grep", "stats")) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--help")).isZero();
            assertThat(out.toString()).contains("Usage: flight " + command);
        }
        out.getBuffer().setLength(0);
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("show").contains("grep").contains("stats");
    }
}
