package dev.peregrine.bench.peers;

import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * Workload 3, on the store that {@link BulkIngestWorkload} left: load whole streams of 10, 100 and
 * 1,000 events (latency per load), catch up over the whole log, and catch up over the 5% of events
 * of type {@link BulkPlan#RARE_TYPE}. Every read is checked against the plan's counts, so an adapter
 * that reads too little fails loudly instead of looking fast.
 */
final class ReadWorkload {

  static final String NAME = "read";
  private static final long SEED = 0x5EED_0003L;

  private final Scale scale;
  private final ResultSink results;
  private final BulkPlan plan;

  ReadWorkload(Scale scale, ResultSink results, BulkPlan plan) {
    this.scale = scale;
    this.results = results;
    this.plan = plan;
  }

  void run(PeerAdapter peer, CpuMeter cpu) throws Exception {
    long[] touched = new long[1];
    PeerAdapter.EventSink sink = (type, payload) -> touched[0] += payload[payload.length - 1];
    for (int length : BulkPlan.STREAM_LENGTHS) {
      String caseName = "stream-" + length;
      if (!peer.streamReads()) {
        results.unsupported(NAME, caseName, "no per-stream index (a full log scan)");
        continue;
      }
      loadStreams(peer, length, sink, caseName);
    }
    catchUp(peer, cpu, null, plan.totalEvents(), "catch-up-all", sink);
    catchUp(peer, cpu, BulkPlan.RARE_TYPE, plan.rareEvents(), "catch-up-5%", sink);
  }

  private void loadStreams(PeerAdapter peer, int length, PeerAdapter.EventSink sink, String caseName)
      throws Exception {
    List<String> streams = plan.streamsOfLength(length);
    Random random = new Random(SEED + length);
    Histogram latency = Stats.latencyHistogram();
    try (PeerAdapter.Session session = peer.openSession()) {
      // Warm-up: at least a tenth of the measured loads and at least the scale's warm-up time, so
      // that the JIT (ours, and the server's for out-of-process peers) is done before measuring.
      int minimumWarmups = Math.max(10, scale.loadsPerClass() / 10);
      long warmupEnd = System.nanoTime() + scale.loadWarmup().toNanos();
      for (int i = 0; i < minimumWarmups || System.nanoTime() < warmupEnd; i++) {
        loadOne(peer, session, streams.get(random.nextInt(streams.size())), length, sink);
      }
      for (int i = 0; i < scale.loadsPerClass(); i++) {
        latency.recordValue(Math.max(100, loadOne(peer, session, streams.get(random.nextInt(streams.size())), length, sink)));
      }
    }
    results.record(NAME, caseName, "p50_us", latency.getValueAtPercentile(50) / 1e3, "us");
    results.record(NAME, caseName, "p99_us", latency.getValueAtPercentile(99) / 1e3, "us");
  }

  /** Loads one stream, checks its length, returns the nanoseconds it took. */
  private static long loadOne(PeerAdapter peer, PeerAdapter.Session session, String stream, int length,
                              PeerAdapter.EventSink sink) throws Exception {
    long start = System.nanoTime();
    int count = session.readStream(stream, sink);
    long elapsed = System.nanoTime() - start;
    if (count != length) {
      throw new IllegalStateException(peer.name() + " loaded " + count + " events of stream " + stream
          + ", expected " + length);
    }
    return elapsed;
  }

  private void catchUp(PeerAdapter peer, CpuMeter cpu, String type, long expected, String caseName,
                       PeerAdapter.EventSink sink) throws Exception {
    double[] rates = new double[scale.runs()];
    long cpuNanos = 0;
    for (int run = 0; run < scale.runs(); run++) {
      long cpuBefore = cpu.nanos();
      long start = System.nanoTime();
      long count = peer.catchUp(type, sink);
      long elapsed = System.nanoTime() - start;
      cpuNanos += cpu.nanos() - cpuBefore;
      if (count != expected) {
        throw new IllegalStateException(peer.name() + " " + caseName + " delivered " + count
            + " events, expected " + expected);
      }
      // Rate in events of the whole log scanned per second, so filtered and full catch-ups compare.
      rates[run] = plan.totalEvents() * 1e9 / elapsed;
      System.err.printf("  %s %s run %d/%d: %.1f ms%n", peer.name(), caseName, run + 1, scale.runs(), elapsed / 1e6);
    }
    results.record(NAME, caseName, "log_events_per_s", Stats.median(rates), "events/s");
    results.record(NAME, caseName, "cpu_us_per_event", cpuNanos / 1e3 / ((double) plan.totalEvents() * scale.runs()), "us");
  }
}
