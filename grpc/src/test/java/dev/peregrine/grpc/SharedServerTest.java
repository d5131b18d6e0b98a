package dev.peregrine.grpc;

import io.kurrent.dbclient.KurrentDBClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One open server per test class (loopback, no credential file) and a client that sends
 * credentials anyway, which an open server accepts whatever they are, as KurrentDB's insecure mode
 * does. Tests use stream names of their own.
 */
abstract class SharedServerTest {
    @TempDir
    static Path data;
    static KurrentTestServer server;
    static KurrentDBClient client;

    @BeforeAll
    static void startServer() {
        server = new KurrentTestServer(data);
        client = server.client("whoever", "whatever");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
