package dev.peregrine.cli;

import dev.peregrine.server.PeregrineServer;
import dev.peregrine.server.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a client command runs: against a running server ({@code --url}) or embedded, directly on a
 * data directory ({@code --data}). Embedded mode starts the same HTTP server in this process on a
 * free loopback port for the duration of the command, so both modes share one code path and give
 * identical results.
 */
final class TargetOptions {

    @Option(names = "--url", defaultValue = "${env:PEREGRINE_URL}",
            description = "Base URL of a running server, e.g. http://127.0.0.1:8080 (env PEREGRINE_URL)."
                    + " Without it the command opens --data directly.")
    URI url;

    @Option(names = "--data", defaultValue = "${env:PEREGRINE_DATA:-" + ServerConfig.DEFAULT_DATA_DIRECTORY + "}",
            description = "Data directory to open directly when no --url is given (env PEREGRINE_DATA,"
                    + " default ${DEFAULT-VALUE}). It must not be in use by a running server.")
    Path data;

    @Option(names = "--api-key", defaultValue = "${env:PEREGRINE_API_KEY}",
            description = "API key sent as X-API-Key, needed once the data directory has keys"
                    + " (env PEREGRINE_API_KEY; prefer the variable: a flag shows in the process list).")
    String apiKey;

    /** Connects: to the URL, or by starting an embedded server on the data directory. */
    Connection connect() {
        if (url != null) {
            String base = url.toString();
            return new Connection(URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base), null,
                    apiKey);
        }
        PeregrineServer server = PeregrineServer.start(ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .dataDirectory(data)
                .build());
        return new Connection(URI.create("http://127.0.0.1:" + server.port()), server, apiKey);
    }

    /** A base URI to talk to, the key to send, and the embedded server to close afterwards, if any. */
    record Connection(URI base, PeregrineServer embedded, String apiKey) implements AutoCloseable {
        ApiClient client() {
            return new ApiClient(base, apiKey);
        }

        @Override
        public void close() {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
