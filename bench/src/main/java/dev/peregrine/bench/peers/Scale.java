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
 */
record Scale(String name, int commandStreams, Duration commandWarmup, Duration commandRun, int runs,
             double bulkFraction, int bulkWarmups, int loadsPerClass) {

  static final Scale FULL = new Scale("full", 100_000, Duration.ofSeconds(5), Duration.ofSeconds(10), 5,
      1.0, 1, 1_000);

  static final Scale QUICK = new Scale("quick", 100_000, Duration.ofSeconds(1), Duration.ofSeconds(1), 1,
      0.01, 0, 50);

  static Scale named(String name) {
    return switch (name) {
      case "full" -> FULL;
      case "quick" -> QUICK;
      default -> throw new IllegalArgumentException("unknown scale '" + name + "' (full or quick)");
    };
  }
}
