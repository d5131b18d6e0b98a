package dev.peregrine.bench.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Conditional single appends over HTTP and over KurrentDB's gRPC protocol to one {@code serve},
 * alternating in short blocks: on a machine shared with other work, {@code bench/peers} measures
 * one peer after the other, so a change of load between them shows as a difference between the
 * protocols; here both see the same load, block after block, and the medians of the blocks compare.
 * The sessions are the harness's ({@link PeregrineHttpAdapter}, {@link PeregrineGrpcAdapter}): the
 * same requests as workload 1, to fresh streams with exact expected versions.
 *
 * <p>With a seventh argument, the port of a running {@link GrpcCeilingServer}, a third side drives
 * that ceiling through the same official client: what the protocol and the client cost with no store
 * behind them, against the same load. The server runs with {@code --durability fsync} unless the
 * system property {@code probe.durability} names another.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.peregrine.bench.peers.InterleavedAppendProbe \
 *     bin/peregrine HTTP_PORT GRPC_PORT CLIENTS ROUNDS SECONDS [CEILING_GRPC_PORT]
 * </pre>
 */
public final class InterleavedAppendProbe {
  private static final int STREAMS = 100_000;

  private InterleavedAppendProbe() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 6 && args.length != 7) {
      System.err.println("usage: InterleavedAppendProbe SERVE_COMMAND HTTP_PORT GRPC_PORT CLIENTS ROUNDS SECONDS"
          + " [CEILING_GRPC_PORT]");
      System.exit(2);
    }
    int httpPort = Integer.parseInt(args[1]);
    int grpcPort = Integer.parseInt(args[2]);
    int clients = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    long blockNanos = Long.parseLong(args[5]) * 1_000_000_000L;
    Path root = Files.createTempDirectory("peregrine-append-probe");
    Payloads payloads = new Payloads(256, 150, 42);
    AtomicLongArray stored = new AtomicLongArray(STREAMS); // the server's streams, which http and grpc share
    try (PeregrineHttpAdapter server = new PeregrineHttpAdapter(root, args[0], httpPort, grpcPort,
             System.getProperty("probe.durability", "fsync"));
         PeregrineGrpcAdapter grpc = new PeregrineGrpcAdapter(root, args[0], httpPort, grpcPort)) {
      server.reset(); // the one server the first two sides drive; the gRPC adapters' own servers are never started
      List<Side> sides = new ArrayList<>(List.of(new Side("http", server, clients, stored),
          new Side("grpc", grpc, clients, stored)));
      if (args.length == 7) { // the ceiling only echoes, so its streams have versions of their own
        sides.add(new Side("grpc-ceiling", new PeregrineGrpcAdapter(root, args[0], httpPort, Integer.parseInt(args[6])),
            clients, new AtomicLongArray(STREAMS)));
      }
      ExecutorService threads = Executors.newFixedThreadPool(clients);
      double[][] rates = new double[sides.size()][rounds];
      double[][] p50 = new double[sides.size()][rounds];
      long[] next = {0};
      for (int round = -1; round < rounds; round++) { // round -1 warms every side up
        for (int side = 0; side < sides.size(); side++) {
          List<PeerAdapter.Session> sessions = sides.get(side).sessions();
          AtomicLongArray versions = sides.get(side).versions();
          Histogram latency = new Histogram(3);
          long start = System.nanoTime();
          long deadline = start + blockNanos;
          List<Future<Long>> done = new ArrayList<>();
          for (PeerAdapter.Session session : sessions) {
            done.add(threads.submit(() -> {
              long appended = 0;
              while (System.nanoTime() < deadline) {
                long n;
                synchronized (next) {
                  n = next[0]++;
                }
                int stream = (int) (n % STREAMS);
                long expected = versions.get(stream);
                BenchEvent event = new BenchEvent("probe-" + stream, expected + 1, "account.deposited",
                    new UUID(7, n), payloads.payload(n), payloads.metadata(n));
                long t = System.nanoTime();
                if (!session.append(event, expected)) {
                  throw new IllegalStateException("conflict on a stream only this probe writes");
                }
                synchronized (latency) {
                  latency.recordValue(System.nanoTime() - t);
                }
                versions.set(stream, expected + 1);
                appended++;
              }
              return appended;
            }));
          }
          long appended = 0;
          for (Future<Long> f : done) {
            appended += f.get();
          }
          double rate = appended * 1e9 / (System.nanoTime() - start);
          if (round >= 0) {
            rates[side][round] = rate;
            p50[side][round] = latency.getValueAtPercentile(50) / 1e3;
          }
          System.out.printf("%s %s: %,.0f appends/s, p50 %,.0f µs%n", round < 0 ? "warm-up" : "round " + (round + 1),
              sides.get(side).name(), rate, latency.getValueAtPercentile(50) / 1e3);
        }
      }
      threads.shutdown();
      for (Side side : sides) {
        for (PeerAdapter.Session session : side.sessions()) {
          session.close();
        }
      }
      StringBuilder summary = new StringBuilder(String.format("%d clients, medians of %d rounds:", clients, rounds));
      for (int side = 0; side < sides.size(); side++) {
        summary.append(String.format(" %s %,.0f appends/s (p50 %,.0f µs),", sides.get(side).name(), median(rates[side]),
            median(p50[side])));
      }
      summary.append(String.format(" grpc/http %.2f", median(rates[1]) / median(rates[0])));
      if (sides.size() == 3) {
        summary.append(String.format(", grpc-ceiling/http %.2f, grpc/grpc-ceiling %.2f", median(rates[2]) / median(rates[0]),
            median(rates[1]) / median(rates[2])));
      }
      System.out.println(summary);
    }
  }

  /**
   * One protocol the probe drives: its sessions, one per client, opened when it is made, and the
   * stream versions its appends expect (shared by the sides that write the same server).
   */
  private record Side(String name, List<PeerAdapter.Session> sessions, AtomicLongArray versions) {
    Side(String name, PeerAdapter adapter, int clients, AtomicLongArray versions) throws Exception {
      this(name, new ArrayList<>(), versions);
      for (int i = 0; i < clients; i++) {
        sessions.add(adapter.openSession());
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
