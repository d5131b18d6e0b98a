package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.PeregrineServer;
import dev.peregrine.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code peregrine} commands, run in-process against a real server and embedded on a directory. */
class CommandLineTest {
    @TempDir
    Path temp;

    /** What a command printed and returned. */
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.commandLine().execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    Path ndjson(int events) throws IOException {
        Path file = temp.resolve("events.ndjson");
        Files.write(file, IntStream.range(0, events)
                .mapToObj(i -> "{\"event_type\":\"cli.t\",\"entity_id\":\"cli-" + (i % 3) + "\",\"payload\":{\"i\":" + i + "}}")
                .toList());
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "ingest", "query", "state", "stats", "backup", "restore", "schemas"})
    void everyCommandHasHelp(String command) {
        Run run = run(command, "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: peregrine " + command);
    }

    @Test
    void ingestQueryStateAndStatsAgainstARunningServer() throws IOException {
        Path file = ndjson(2_500);
        try (PeregrineServer server = PeregrineServer.start(ServerConfig.builder().port(0)
                .dataDirectory(temp.resolve("data")).build())) {
            String url = "--url=http://127.0.0.1:" + server.port();
            Run ingest = run("ingest", file.toString(), url, "--chunk=1000");
            assertThat(ingest.exit()).as(ingest.err()).isZero();
            assertThat(ingest.out()).contains("ingested 2500 events");
            assertThat(ingest.err()).contains("events/s").contains("100%");

            Run query = run("query", url, "--entity=cli-1", "--limit=100", "--all");
            assertThat(query.exit()).as(query.err()).isZero();
            List<String> lines = query.out().lines().toList();
            assertThat(lines).hasSize(833);
            assertThat(lines.getFirst()).contains("\"entity_id\":\"cli-1\"").contains("\"i\":1");

            Run onePage = run("query", url, "--type=cli.t", "--limit=10");
            assertThat(onePage.out().lines()).hasSize(10);
            assertThat(onePage.err()).contains("more match");

            Run state = run("state", "cli-2", url);
            assertThat(state.exit()).isZero();
            assertThat(state.out()).contains("\"event_count\":833").contains("\"current_state\":{\"i\":2498}");

            Run stats = run("stats", url);
            assertThat(stats.out()).contains("\"total_events\":2500");

            Run missing = run("state", "nobody", url);
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("HTTP 404");
        }
    }

    @Test
    void embeddedModeWorksOnADataDirectory() throws IOException {
        Path file = ndjson(30);
        String data = "--data=" + temp.resolve("embedded");
        Run ingest = run("ingest", file.toString(), data, "--quiet");
        assertThat(ingest.exit()).as(ingest.err()).isZero();
        Run query = run("query", data, "--entity=cli-0");
        assertThat(query.out().lines()).hasSize(10);
        Run stats = run("stats", data);
        assertThat(stats.out()).contains("\"total_events\":30");
    }

    @Test
    void schemasAreRegisteredReadAndTriedFromTheCommandLine() throws IOException {
        String data = "--data=" + temp.resolve("schemas");
        Path schema = temp.resolve("order.json");
        Files.writeString(schema, "{\"type\":\"object\",\"required\":[\"amount\"],"
                + "\"properties\":{\"amount\":{\"type\":\"number\"}}}");
        Run registered = run("schemas", "register", "order.placed", schema.toString(), "--enforce", data);
        assertThat(registered.exit()).as(registered.err()).isZero();
        assertThat(registered.out()).contains("\"version\":1").contains("\"enforced\":true");
        assertThat(run("schemas", "list", data).out()).contains("\"order.placed\"");
        assertThat(run("schemas", "get", "order.placed", "--version=1", data).out()).contains("\"required\":[\"amount\"]");
        Run valid = run("schemas", "validate", "order.placed", "{\"amount\":3}", data);
        assertThat(valid.exit()).isZero();
        Run invalid = run("schemas", "validate", "order.placed", "{\"amount\":\"3\"}", data);
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.out()).contains("$.amount");
        Files.writeString(schema, "{\"type\":\"object\",\"required\":[\"amount\",\"currency\"]}");
        Run refused = run("schemas", "register", "order.placed", schema.toString(), data);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("409").contains("BACKWARD");
        assertThat(run("schemas", "register", "--help").out()).contains("Usage: peregrine schemas register");
    }

    @Test
    void badLineStopsTheLoadAndSaysHowToResume() throws IOException {
        Path file = temp.resolve("bad.ndjson");
        Files.write(file, List.of(
                "{\"event_type\":\"cli.t\",\"entity_id\":\"r\",\"payload\":{\"i\":1}}",
                "{\"event_type\":\"cli.t\",\"entity_id\":\"r\",\"payload\":{\"i\":2}}",
                "{\"event_type\":\"cli.t\",\"entity_id\":\"r\",\"payload\":3}",
                "{\"event_type\":\"cli.t\",\"entity_id\":\"r\",\"payload\":{\"i\":4}}"));
        String data = "--data=" + temp.resolve("resume");
        Run failed = run("ingest", file.toString(), data, "--chunk=2", "--quiet");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).contains("line 3: 'payload' must be a JSON object").contains("2 events were stored")
                .contains("--skip-lines 2")
                .doesNotContain("line 1"); // the server's own line number counts the lines of one request
        Files.write(file, List.of(
                "{\"event_type\":\"cli.t\",\"entity_id\":\"r\",\"payload\":{\"i\":1}}",
                "{\"event_type\":\"cli.t\",\"entity_id\":\"r\",\"payload\":{\"i\":2}}",
                "{\"event_type\":\"cli.t\",\"entity_id\":\"r\",\"payload\":{\"i\":3}}",
                "{\"event_type\":\"cli.t\",\"entity_id\":\"r\",\"payload\":{\"i\":4}}"));
        Run resumed = run("ingest", file.toString(), data, "--skip-lines=2", "--quiet");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(run("stats", data).out()).contains("\"total_events\":4");
    }

    @Test
    void serveOptionsReadFlags() {
        ServeCommand serve = new ServeCommand();
        new picocli.CommandLine(serve).parseArgs("--port=9999", "--host=0.0.0.0", "--durability=none",
                "--max-body-bytes=1000", "--header-timeout-ms=1500", "--body-timeout-ms=2500");
        ServerConfig config = serve.config();
        assertThat(config.port()).isEqualTo(9999);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.durability()).isEqualTo("none");
        assertThat(config.limits().maxBodyBytes()).isEqualTo(1000);
        assertThat(config.headerTimeout()).isEqualTo(java.time.Duration.ofMillis(1500));
        assertThat(config.bodyTimeout()).isEqualTo(java.time.Duration.ofMillis(2500));
        ServeCommand defaults = new ServeCommand();
        new picocli.CommandLine(defaults).parseArgs();
        assertThat(defaults.config().port()).isEqualTo(System.getenv("PEREGRINE_PORT") == null ? 8080
                : Integer.parseInt(System.getenv("PEREGRINE_PORT")));
        if (System.getenv("PEREGRINE_HEADER_TIMEOUT_MS") == null && System.getenv("PEREGRINE_BODY_TIMEOUT_MS") == null) {
            assertThat(defaults.config().headerTimeout()).isEqualTo(ServerConfig.DEFAULT_HEADER_TIMEOUT);
            assertThat(defaults.config().bodyTimeout()).isEqualTo(ServerConfig.DEFAULT_BODY_TIMEOUT);
        }
    }
}
