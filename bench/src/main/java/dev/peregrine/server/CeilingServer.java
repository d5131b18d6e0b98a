package dev.peregrine.server;

import java.nio.file.Path;

/**
 * {@code peregrine serve} on loopback with the benchmark build's {@link CeilingRoutes} added, for
 * {@code bench/http/ceiling-ratio}:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.peregrine.server.CeilingServer \
 *     PORT DATA_DIR DURABILITY
 * </pre>
 *
 * <p>Open (no keys), plain HTTP, no gRPC face: the same server the ratio's real routes run in.
 */
public final class CeilingServer {

    private CeilingServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: CeilingServer PORT DATA_DIR DURABILITY (fsync | none | interval:<ms>)");
            System.exit(2);
        }
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(Integer.parseInt(args[0]))
                .dataDirectory(Path.of(args[1])).durability(args[2]).build();
        PeregrineServer server = PeregrineServer.start(config, CeilingRoutes::register);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.awaitClose();
    }
}
