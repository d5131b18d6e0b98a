package dev.peregrine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A real server on a random loopback port over a data directory, and an HTTP client to talk to it:
 * the black-box harness of the server tests. {@link #restart()} closes and reopens on the same
 * directory.
 */
final class TestServer implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path dataDirectory;
    private final UnaryOperator<ServerConfig.Builder> customizer;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private PeregrineServer server;

    TestServer(Path dataDirectory) {
        this(dataDirectory, UnaryOperator.identity());
    }

    TestServer(Path dataDirectory, UnaryOperator<ServerConfig.Builder> customizer) {
        this.dataDirectory = dataDirectory;
        this.customizer = customizer;
        this.server = startServer();
    }

    private PeregrineServer startServer() {
        // No free-space watermark unless a test sets one: the tests' own data is small, and the
        // machine's disk may have little room (the watermark's tests use a file system of their own).
        return PeregrineServer.start(customizer.apply(ServerConfig.builder()
                .port(0)
                .dataDirectory(dataDirectory)
                .minFreeBytes(0)).build());
    }

    /** Closes the server and starts a new one on the same data directory. */
    void restart() {
        server.close();
        server = startServer();
    }

    int port() {
        return server.port();
    }

    PeregrineServer server() {
        return server;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    HttpClient client() {
        return client;
    }

    Response get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    Response delete(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).DELETE());
    }

    Response postJson(String path, String json) {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    Response post(String path, String contentType, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder);
    }

    Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    /** A response: status, body text, and the body parsed as JSON on demand. */
    record Response(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response is not JSON (status " + status + "): " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
