package dev.peregrine.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of test classes whose tests share one server on one temporary directory. */
abstract class SharedServer {
    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void startServer() {
        server = new TestServer(data);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
