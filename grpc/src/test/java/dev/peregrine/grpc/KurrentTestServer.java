package dev.peregrine.grpc;

import dev.peregrine.server.PeregrineServer;
import dev.peregrine.server.ServerConfig;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real Peregrine server (HTTP and gRPC, on random loopback ports) over a data directory, and the
 * official KurrentDB client connected to it the way an application connects to KurrentDB.
 */
final class KurrentTestServer implements AutoCloseable {
    private final PeregrineServer http;
    private final GrpcServer grpc;
    private final GrpcMetrics metrics = new GrpcMetrics();
    private final List<KurrentDBClient> clients = new ArrayList<>();
    private final HttpClient httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    KurrentTestServer(Path data) {
        this(data, UnaryOperator.identity());
    }

    KurrentTestServer(Path data, UnaryOperator<ServerConfig.Builder> customizer) {
        // No free-space watermark: the tests' data is small and a CI disk may have little room.
        ServerConfig.Builder config = customizer.apply(ServerConfig.builder().port(0).dataDirectory(data)
                .durability("none").minFreeBytes(0));
        metrics.metrics().forEach(config::metric); // as peregrine serve does
        http = PeregrineServer.start(config.build());
        grpc = GrpcServer.start(http, 0, metrics);
    }

    int grpcPort() {
        return grpc.port();
    }

    PeregrineServer http() {
        return http;
    }

    /** A client as an application makes one: from a connection string. */
    synchronized KurrentDBClient client(String connectionString) {
        KurrentDBClient client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString));
        clients.add(client);
        return client;
    }

    /** A client without credentials. */
    KurrentDBClient client() {
        return client("kurrentdb://127.0.0.1:" + grpc.port() + "?tls=false");
    }

    /** A client signing in as {@code user}. */
    KurrentDBClient client(String user, String password) {
        return client("kurrentdb://" + user + ":" + password + "@127.0.0.1:" + grpc.port() + "?tls=false");
    }

    /** A POST of JSON to the HTTP API: the status and body. */
    String[] postJson(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Registers a JSON Schema for an event type over the HTTP API, with enforcement on. */
    void enforceSchema(String eventType, String schema) {
        String[] answer = postJson("/api/v1/schemas", "{\"subject\":\"" + eventType + "\",\"enforce\":true,\"schema\":"
                + schema + "}");
        if (!answer[0].startsWith("2")) {
            throw new IllegalStateException("registering a schema answered " + answer[0] + ": " + answer[1]);
        }
    }

    /** A GET from the HTTP API: the status and body. */
    String[] get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + http.port() + pathAndQuery);
    }

    private String[] send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = httpClient.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new String[] {Integer.toString(response.statusCode()), response.body()};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (KurrentDBClient client : clients) {
            client.shutdown().join();
        }
        try {
            grpc.close();
        } finally {
            http.close();
        }
    }
}
