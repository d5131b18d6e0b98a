package dev.peregrine.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Workload 2: bulk ingest of the {@link BulkPlan} by 4 writers in batches of 10, 100 and 1,000,
 * each run into an emptied store. Reports the median events/s and MB/s (payload + metadata bytes)
 * of the measured runs, bytes on disk per event and CPU time per event. The store is left holding
 * the last run's events for {@link ReadWorkload}.
 */
final class BulkIngestWorkload {

  static final String NAME = "bulk-ingest";
  static final int[] BATCH_SIZES = {10, 100, 1_000};
  static final int WRITERS = 4;

  private final Scale scale;
  private final ResultSink results;
  private final BulkPlan plan;
  private final int[] batchSizes;

  /** @param batchSizes the cases to run, in order; the store keeps the last run's events */
  BulkIngestWorkload(Scale scale, ResultSink results, BulkPlan plan, int... batchSizes) {
    this.scale = scale;
    this.results = results;
    this.plan = plan;
    this.batchSizes = batchSizes.clone();
  }

  void run(PeerAdapter peer, CpuMeter cpu) throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    try {
      for (int batchSize : batchSizes) {
        String caseName = "batch=" + batchSize;
        int total = scale.bulkWarmups() + scale.runs();
        double[] eventsPerSecond = new double[scale.runs()];
        long cpuNanos = 0;
        long diskBytes = 0;
        for (int run = 0; run < total; run++) {
          boolean measured = run >= scale.bulkWarmups();
          peer.reset();
          long cpuBefore = cpu.nanos();
          long start = System.nanoTime();
          ingest(peer, writers, batchSize, run);
          long elapsed = System.nanoTime() - start;
          long cpuUsed = cpu.nanos() - cpuBefore;
          double rate = plan.totalEvents() * 1e9 / elapsed;
          System.err.printf("  %s %s %s run %d/%d: %,.0f events/s%n", peer.name(), caseName,
              measured ? "measured" : "warm-up", run + 1, total, rate);
          if (measured) {
            eventsPerSecond[run - scale.bulkWarmups()] = rate;
            cpuNanos += cpuUsed;
            diskBytes = peer.bytesOnDisk();
          }
        }
        double median = Stats.median(eventsPerSecond);
        results.record(NAME, caseName, "events_per_s", median, "events/s");
        results.record(NAME, caseName, "mb_per_s", median * BulkPlan.EVENT_BYTES / 1e6, "MB/s");
        results.record(NAME, caseName, "disk_bytes_per_event", (double) diskBytes / plan.totalEvents(), "bytes");
        results.record(NAME, caseName, "cpu_us_per_event",
            cpuNanos / 1e3 / ((double) plan.totalEvents() * scale.runs()), "us");
      }
    } finally {
      writers.shutdown();
    }
  }

  private void ingest(PeerAdapter peer, ExecutorService writers, int batchSize, int run) throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < plan.writers(); w++) {
      int writer = w;
      futures.add(writers.submit(() -> {
        try (PeerAdapter.Session session = peer.openSession()) {
          for (List<BenchEvent> batch : plan.batches(writer, batchSize, run)) {
            session.appendBatch(batch);
          }
        }
        return null;
      }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
  }
}
