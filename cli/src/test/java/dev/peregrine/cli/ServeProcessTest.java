package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peregrine serve} as a real child process: configured through PEREGRINE_* environment
 * variables, answering HTTP and KurrentDB's gRPC protocol, and stopping cleanly on SIGTERM with what
 * it acknowledged on disk.
 */
class ServeProcessTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path data;
    /** A port free a moment ago: {@code --grpc-port 0} turns the endpoint off rather than picking one. */
    private final int grpcPort = freePort();

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void environmentConfiguresTheServerAndSigtermStopsItCleanly() throws Exception {
        Process first = start();
        List<String> output = new ArrayList<>();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
        int port = awaitPort(stdout, output);
        HttpClient client = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpResponse<String> ack = client.send(HttpRequest.newBuilder(base.resolve("/api/v1/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"event_type\":\"proc.t\",\"entity_id\":\"proc-1\",\"payload\":{\"ok\":true}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        awaitLine(stdout, output, "and kurrentdb://127.0.0.1:" + grpcPort + "?tls=false");
        KurrentDBClient kurrent = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(
                "kurrentdb://127.0.0.1:" + grpcPort + "?tls=false"));
        try {
            kurrent.appendToStream("proc-2", EventData.builderAsJson("proc.grpc",
                    "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)).build()).get();
        } finally {
            kurrent.shutdown().get();
        }
        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).containsPattern("peregrine_flight_events_recorded_total [1-9]");
        // The console's server log reads the flight ring: the server's own start line is there.
        HttpResponse<String> log = client.send(HttpRequest.newBuilder(base.resolve("/api/v1/log?contains=listening&level=info"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
        assertThat(log.body()).containsPattern("\"level\":\"INFO\",\"thread\":\"[^\"]+\",\"target\":\"dev.peregrine.server.PeregrineServer\","
                + "\"message\":\"Peregrine [^\"]+ listening on http://127.0.0.1:" + port);
        HttpResponse<byte[]> snapshot = client.send(HttpRequest.newBuilder(base.resolve("/api/v1/log/snapshots"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(snapshot.statusCode()).isEqualTo(200);
        String name = snapshot.headers().firstValue("Content-Disposition").orElseThrow()
                .replaceAll("^attachment; filename=\"(.*)\"$", "$1");
        assertThat(name).endsWith("-console.pgfl").doesNotContain("/");
        assertThat(Files.readAllBytes(data.resolve("flight").resolve(name))).isEqualTo(snapshot.body());

        sigterm(first);
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String line;
        while ((line = stdout.readLine()) != null) {
            output.add(line);
        }
        assertThat(output).anyMatch(l -> l.contains("Peregrine stopped"));
        assertThat(output).anyMatch(l -> l.contains("durability none"));
        // The server's own log line, through SLF4J into the flight recorder's console: whole, not cut to a slot.
        assertThat(output).anyMatch(l -> l.matches(".*INFO .*listening on http://.* in \\d+ ms$"));
        assertThat(output).noneMatch(l -> l.contains("[truncated]"));
        try (var snapshots = Files.list(data.resolve("flight"))) {
            // "-1" follows the reason when the console's snapshot came first.
            assertThat(snapshots.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches(".*-sigterm(-\\d+)?\\.pgfl"));
        }

        Process second = start();
        BufferedReader stdout2 = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
        int port2 = awaitPort(stdout2, new ArrayList<>());
        HttpResponse<String> stats = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port2 + "/api/v1/stats")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stats.body()).contains("\"total_events\":2");
        sigterm(second);
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** SIGTERM through kill(1): Process.destroy() would also close the pipes we still read from. */
    private static void sigterm(Process process) throws Exception {
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
    }

    private Process start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve");
        builder.environment().put("PEREGRINE_PORT", "0");
        builder.environment().put("PEREGRINE_DATA", data.toString());
        builder.environment().put("PEREGRINE_DURABILITY", "none");
        builder.environment().put("PEREGRINE_GRPC_PORT", Integer.toString(grpcPort));
        builder.redirectErrorStream(true);
        return builder.start();
    }

    private static void awaitLine(BufferedReader stdout, List<String> output, String text) throws Exception {
        String line;
        while ((line = stdout.readLine()) != null) {
            output.add(line);
            if (line.contains(text)) {
                return;
            }
        }
        throw new AssertionError("the server exited before printing '" + text + "': " + output);
    }

    private static int awaitPort(BufferedReader stdout, List<String> output) throws Exception {
        String line;
        while ((line = stdout.readLine()) != null) {
            output.add(line);
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new AssertionError("the server exited before listening: " + output);
    }
}
