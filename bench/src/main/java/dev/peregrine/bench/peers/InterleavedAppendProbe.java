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
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.peregrine.bench.peers.InterleavedAppendProbe \
 *     bin/peregrine HTTP_PORT GRPC_PORT CLIENTS ROUNDS SECONDS
 * </pre>
 */
public final class InterleavedAppendProbe {
  private static final int STREAMS = 100_000;

  private InterleavedAppendProbe() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: InterleavedAppendProbe SERVE_COMMAND HTTP_PORT GRPC_PORT CLIENTS ROUNDS SECONDS");
      System.exit(2);
    }
    int httpPort = Integer.parseInt(args[1]);
    int grpcPort = Integer.parseInt(args[2]);
    int clients = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    long blockNanos = Long.parseLong(args[5]) * 1_000_000_000L;
    Path root = Files.createTempDirectory("peregrine-append-probe");
    Payloads payloads = new Payloads(256, 150, 42);
    AtomicLongArray versions = new AtomicLongArray(STREAMS);
    try (PeregrineHttpAdapter server = new PeregrineHttpAdapter(root, args[0], httpPort, grpcPort, "fsync");
         PeregrineGrpcAdapter grpc = new PeregrineGrpcAdapter(root, args[0], httpPort, grpcPort)) {
      server.reset(); // the one server both drive; the gRPC adapter's own is never started
      List<PeerAdapter.Session> http = new ArrayList<>();
      List<PeerAdapter.Session> kurrent = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        http.add(server.openSession());
        kurrent.add(grpc.openSession());
      }
      ExecutorService threads = Executors.newFixedThreadPool(clients);
      double[][] rates = new double[2][rounds];
      double[][] p50 = new double[2][rounds];
      long[] next = {0};
      for (int round = -1; round < rounds; round++) { // round -1 warms both up
        for (int side = 0; side < 2; side++) {
          List<PeerAdapter.Session> sessions = side == 0 ? http : kurrent;
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
              side == 0 ? "http" : "grpc", rate, latency.getValueAtPercentile(50) / 1e3);
        }
      }
      threads.shutdown();
      for (PeerAdapter.Session session : http) {
        session.close();
      }
      for (PeerAdapter.Session session : kurrent) {
        session.close();
      }
      System.out.printf("%d clients, medians of %d rounds: http %,.0f appends/s (p50 %,.0f µs), grpc %,.0f appends/s"
              + " (p50 %,.0f µs), grpc/http %.2f%n", clients, rounds, median(rates[0]), median(p50[0]), median(rates[1]),
          median(p50[1]), median(rates[1]) / median(rates[0]));
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
