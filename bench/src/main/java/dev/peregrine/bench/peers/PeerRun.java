package dev.peregrine.bench.peers;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the three workloads against one peer in this JVM and writes its figures to a CSV file.
 * bench/peers starts the out-of-process servers, then calls this once per peer (a fresh JVM each
 * time, so that every embedded peer is charged only its own CPU time), then {@link PeersReport}.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.peregrine.bench.peers.PeerRun \
 *     --peer postgres-table --scale quick --out results/postgres-table.csv \
 *     --jdbc jdbc:postgresql://127.0.0.1:54329/bench?user=postgres --server-pid 1234
 * </pre>
 */
public final class PeerRun {

  private PeerRun() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    if (options.containsKey("help")) {
      System.out.println("""
          usage: PeerRun --peer NAME --scale quick|full --out FILE [--workloads 1,2,3] [peer options]
            peers: postgres-table, message-db (--jdbc URL --server-pid PID),
                   kafka-durable, kafka-pagecache (--bootstrap HOST:PORT --server-pid PID --log-dir DIR),
                   nats-jetstream (--url nats://HOST:PORT --server-pid PID --store-dir DIR),
                   chronicle-sync, chronicle-nosync (--dir DIR),
                   peregrine-fsync, peregrine-none (--dir DIR),
                   peregrine-http, peregrine-http-none (--serve 'COMMAND' --port N --dir DIR),
                   peregrine-grpc (--serve 'COMMAND' --port N --grpc-port N --dir DIR)
          Normally started by bench/peers, which sets all of these.""");
      return;
    }
    String peerName = required(options, "peer");
    Scale scale = Scale.named(options.getOrDefault("scale", "full"));
    String workloads = options.getOrDefault("workloads", "1,2,3");
    ResultSink results = new ResultSink(Path.of(required(options, "out")), peerName);
    System.err.printf(Locale.ROOT, "== %s (%s scale)%n", peerName, scale.name());
    try (PeerAdapter peer = Peers.open(peerName, options)) {
      CpuMeter cpu = new CpuMeter(peer::serverPids);
      if (workloads.contains("1")) {
        new CommandAppendWorkload(scale, results).run(peer, cpu);
      }
      BulkPlan plan = new BulkPlan(scale.bulkFraction(), BulkIngestWorkload.WRITERS);
      if (workloads.contains("2") || workloads.contains("3")) {
        System.err.printf(Locale.ROOT, "  bulk plan: %,d events in %,d writers' streams%n", plan.totalEvents(),
            plan.writers());
        if (workloads.contains("2")) {
          new BulkIngestWorkload(scale, results, plan, BulkIngestWorkload.BATCH_SIZES).run(peer, cpu);
        } else {
          new BulkIngestWorkload(readOnly(scale), results, plan, 1_000).run(peer, cpu);
        }
      }
      if (workloads.contains("3")) {
        new ReadWorkload(scale, results, plan).run(peer, cpu);
      }
    }
  }

  /** With only workload 3 asked for, ingest once in batches of 1,000 (its figures are recorded too). */
  private static Scale readOnly(Scale scale) {
    return new Scale(scale.name(), scale.commandStreams(), scale.commandWarmup(), scale.commandRun(), 1,
        scale.bulkFraction(), 0, scale.loadsPerClass(), scale.loadWarmup());
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + args[i] + "' (options are --name value)");
      }
      String name = args[i].substring(2);
      if (name.equals("help")) {
        options.put(name, "");
      } else if (i + 1 < args.length) {
        options.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("option --" + name + " needs a value");
      }
    }
    return options;
  }

  static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing option --" + name);
    }
    return value;
  }
}
