package dev.peregrine.bench.peers;

import java.time.Duration;

/**
 * How big each workload is. {@link #FULL} is the specification; {@link #QUICK} scales every
 * count down so that the whole comparison finishes in minutes, and the report says so.
 *
 * @param name              "full" or "quick", printed with every table
 * @param commandStreams    streams the Zipf law draws from (workload 1)
 * @param commandWarmup     closed-loop warm-up per concurrency level
 * @param commandRun        length of one measured closed-loop run
 * @param runs              measured runs per case; throughput is their median
 * @param bulkFraction      fraction of the 1,000,000-event / 10,000-stream bulk plan (workload 2)
 * @param bulkWarmups       unmeasured bulk runs before the measured ones
 * @param loadsPerClass     stream loads measured per stream length (workload 3)
 * @param loadWarmup        unmeasured stream loads per stream length run at least this long first
 */
record Scale(String name, int commandStreams, Duration commandWarmup, Duration commandRun, int runs,
             double bulkFraction, int bulkWarmups, int loadsPerClass, Duration loadWarmup) {

  static final Scale FULL = new Scale("full", 100_000, Duration.ofSeconds(5), Duration.ofSeconds(10), 5,
      1.0, 1, 1_000, Duration.ofSeconds(3));

  // Two seconds of closed-loop warm-up: the out-of-process peers' server JVMs (Peregrine over HTTP,
  // Kafka) are still compiling after one.
  static final Scale QUICK = new Scale("quick", 100_000, Duration.ofSeconds(2), Duration.ofSeconds(1), 1,
      0.01, 0, 200, Duration.ofSeconds(1));

  /** @return one sentence for the report: what this scale runs */
  String describe() {
    BulkPlan plan = new BulkPlan(bulkFraction, 1);
    String sizes = String.format("%,d bulk events in %,d streams; %d s closed-loop warm-up and %d s runs; "
            + "throughput is the median of %d run%s per case after %d bulk warm-up run%s; %,d stream loads per "
            + "length after at least %d ms of warm-up loads", plan.totalEvents(), plan.streams(),
        commandWarmup.toSeconds(), commandRun.toSeconds(), runs, runs == 1 ? "" : "s", bulkWarmups,
        bulkWarmups == 1 ? "" : "s", loadsPerClass, loadWarmup.toMillis());
    return this == FULL ? "Full scale: " + sizes + "."
        : "**Quick mode: scaled down** (" + sizes + "; full scale: 1,000,000 events in 10,000 streams, 5 runs). "
            + "Indicative only.";
  }

  static Scale named(String name) {
    return switch (name) {
      case "full" -> FULL;
      case "quick" -> QUICK;
      default -> throw new IllegalArgumentException("unknown scale '" + name + "' (full or quick)");
    };
  }
}
