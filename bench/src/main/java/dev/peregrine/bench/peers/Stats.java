package dev.peregrine.bench.peers;

import java.util.Arrays;

/** Small statistics helpers shared by the workloads. */
final class Stats {

  private Stats() {
  }

  /** The median of the runs (the mean of the middle two for an even count). */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** A latency histogram in nanoseconds from 100 ns to 100 s with 3 significant digits. */
  static org.HdrHistogram.Histogram latencyHistogram() {
    return new org.HdrHistogram.Histogram(100, 100_000_000_000L, 3);
  }
}
