package dev.peregrine.bench.peers;

import dev.peregrine.store.Durability;
import java.nio.file.Path;
import java.util.Map;

/** Opens the adapter for a peer name with the options bench/peers passes (see {@link PeerRun}). */
final class Peers {

  private Peers() {
  }

  static PeerAdapter open(String name, Map<String, String> options) throws Exception {
    return switch (name) {
      case "postgres-table" -> new PostgresTableAdapter(PeerRun.required(options, "jdbc"), pid(options));
      case "message-db" -> new MessageDbAdapter(PeerRun.required(options, "jdbc"), pid(options));
      case "kafka-durable", "kafka-pagecache" -> new KafkaAdapter(name, PeerRun.required(options, "bootstrap"),
          pid(options), Path.of(PeerRun.required(options, "log-dir")));
      case "nats-jetstream" -> new NatsAdapter(PeerRun.required(options, "url"), pid(options),
          Path.of(PeerRun.required(options, "store-dir")));
      case "peregrine-fsync" -> new PeregrineEmbeddedAdapter(dir(options), Durability.fsync());
      case "peregrine-none" -> new PeregrineEmbeddedAdapter(dir(options), Durability.none());
      case "peregrine-http" -> new PeregrineHttpAdapter(dir(options), PeerRun.required(options, "serve"),
          Integer.parseInt(PeerRun.required(options, "port")), 0, "fsync");
      case "peregrine-http-none" -> new PeregrineHttpAdapter(dir(options), PeerRun.required(options, "serve"),
          Integer.parseInt(PeerRun.required(options, "port")), 0, "none");
      case "peregrine-grpc" -> new PeregrineGrpcAdapter(dir(options), PeerRun.required(options, "serve"),
          Integer.parseInt(PeerRun.required(options, "port")), Integer.parseInt(PeerRun.required(options, "grpc-port")));
      case "chronicle-sync" -> new ChronicleAdapter(dir(options), true);
      case "chronicle-nosync" -> new ChronicleAdapter(dir(options), false);
      default -> throw new IllegalArgumentException("unknown peer '" + name + "'");
    };
  }

  private static long pid(Map<String, String> options) {
    return Long.parseLong(PeerRun.required(options, "server-pid"));
  }

  private static Path dir(Map<String, String> options) {
    return Path.of(PeerRun.required(options, "dir"));
  }
}
