package dev.peregrine.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Workload 1: command appends with optimistic concurrency. Each client thread runs a closed loop:
 * draw a stream by Zipf(0.99), take its expected version from the client's version cache (shared
 * by the threads, like an application's), append one event of 256 + 150 bytes; on a conflict count
 * it, read the stream's version, and retry. Latency is per command (retries included).
 */
final class CommandAppendWorkload {

  static final String NAME = "command-append";
  static final int[] CONCURRENCY = {1, 8, 32};
  private static final long SEED = 0x5EED_0001L;

  private final Scale scale;
  private final ResultSink results;
  private final Payloads payloads = new Payloads(256, 150, SEED);
  private final Zipf streamLaw;

  CommandAppendWorkload(Scale scale, ResultSink results) {
    this.scale = scale;
    this.results = results;
    this.streamLaw = new Zipf(scale.commandStreams(), 0.99, SEED);
  }

  void run(PeerAdapter peer, CpuMeter cpu) throws Exception {
    peer.reset();
    AtomicLongArray versionCache = new AtomicLongArray(scale.commandStreams());
    for (int concurrency : CONCURRENCY) {
      String caseName = "c=" + concurrency;
      List<PeerAdapter.Session> sessions = new ArrayList<>();
      ExecutorService clients = Executors.newFixedThreadPool(concurrency);
      try {
        for (int i = 0; i < concurrency; i++) {
          sessions.add(peer.openSession());
        }
        System.err.printf("  %s %s: warm-up %d ms%n", peer.name(), caseName, scale.commandWarmup().toMillis());
        runOnce(clients, sessions, versionCache, scale.commandWarmup().toNanos(), -1);
        double[] throughput = new double[scale.runs()];
        Histogram latency = Stats.latencyHistogram();
        long conflicts = 0;
        long events = 0;
        long cpuNanos = 0;
        for (int run = 0; run < scale.runs(); run++) {
          long cpuBefore = cpu.nanos();
          long start = System.nanoTime();
          RunResult result = runOnce(clients, sessions, versionCache, scale.commandRun().toNanos(), run);
          long elapsed = System.nanoTime() - start;
          cpuNanos += cpu.nanos() - cpuBefore;
          throughput[run] = result.events * 1e9 / elapsed;
          latency.add(result.latency);
          conflicts += result.conflicts;
          events += result.events;
          System.err.printf("  %s %s run %d/%d: %,.0f appends/s%n", peer.name(), caseName, run + 1,
              scale.runs(), throughput[run]);
        }
        results.record(NAME, caseName, "appends_per_s", Stats.median(throughput), "events/s");
        results.record(NAME, caseName, "p50_us", latency.getValueAtPercentile(50) / 1e3, "us");
        results.record(NAME, caseName, "p99_us", latency.getValueAtPercentile(99) / 1e3, "us");
        results.record(NAME, caseName, "p999_us", latency.getValueAtPercentile(99.9) / 1e3, "us");
        results.record(NAME, caseName, "conflicts_per_1k", events == 0 ? 0 : conflicts * 1000.0 / events, "per 1000");
        results.record(NAME, caseName, "cpu_us_per_event", events == 0 ? 0 : cpuNanos / 1e3 / events, "us");
      } finally {
        clients.shutdown();
        for (PeerAdapter.Session session : sessions) {
          session.close();
        }
      }
    }
  }

  private record RunResult(long events, long conflicts, Histogram latency) {
  }

  private RunResult runOnce(ExecutorService clients, List<PeerAdapter.Session> sessions,
                            AtomicLongArray versionCache, long durationNanos, int run) throws Exception {
    long deadline = System.nanoTime() + durationNanos;
    List<Future<RunResult>> futures = new ArrayList<>();
    for (int i = 0; i < sessions.size(); i++) {
      PeerAdapter.Session session = sessions.get(i);
      long seed = SEED + 1_000L * (run + 2) + i * 31L + sessions.size() * 7919L;
      futures.add(clients.submit(() -> client(session, versionCache, deadline, seed)));
    }
    long events = 0;
    long conflicts = 0;
    Histogram latency = Stats.latencyHistogram();
    for (Future<RunResult> future : futures) {
      RunResult result = future.get();
      events += result.events;
      conflicts += result.conflicts;
      latency.add(result.latency);
    }
    return new RunResult(events, conflicts, latency);
  }

  private RunResult client(PeerAdapter.Session session, AtomicLongArray versionCache, long deadline,
                           long seed) throws Exception {
    Zipf zipf = streamLaw.withSeed(seed);
    Histogram latency = Stats.latencyHistogram();
    long events = 0;
    long conflicts = 0;
    while (System.nanoTime() < deadline) {
      int rank = zipf.next();
      String stream = "cmd-" + rank;
      long expected = versionCache.get(rank);
      long n = seed * 1_000_003L + events;
      BenchEvent event = new BenchEvent(stream, expected + 1, (n % 20 == 0) ? BulkPlan.RARE_TYPE : "account.deposited",
          new UUID(seed, events), payloads.payload(n), payloads.metadata(n));
      long start = System.nanoTime();
      while (!session.append(event, expected)) {
        conflicts++;
        expected = session.streamVersion(stream);
        event = event.atVersion(expected + 1);
      }
      latency.recordValue(Math.max(100, System.nanoTime() - start));
      // Another client may have moved the stream further meanwhile: never step the cache back (a
      // stale entry costs a conflict; the next conflict corrects a low one anyway).
      versionCache.accumulateAndGet(rank, expected + 1, Math::max);
      events++;
    }
    return new RunResult(events, conflicts, latency);
  }
}
