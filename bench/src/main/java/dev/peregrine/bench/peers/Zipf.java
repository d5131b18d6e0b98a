package dev.peregrine.bench.peers;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Zipf-distributed ranks 0..n-1 with exponent s: rank k is drawn with probability proportional to
 * 1/(k+1)^s. A precomputed cumulative table plus a binary search: exact, and cheap next to any
 * append (100,000 doubles, ~17 comparisons per draw). The table is built once and shared, read-only,
 * by the samplers that {@link #withSeed} makes (building it takes milliseconds, which would otherwise
 * be charged to every measured run). Not thread-safe: one sampler per client thread.
 */
final class Zipf {

  private final double[] cumulative;
  private final SplittableRandom random;

  Zipf(int n, double s, long seed) {
    this(table(n, s), seed);
  }

  private Zipf(double[] cumulative, long seed) {
    this.cumulative = cumulative;
    this.random = new SplittableRandom(seed);
  }

  /** @return a sampler of the same law with its own random sequence */
  Zipf withSeed(long seed) {
    return new Zipf(cumulative, seed);
  }

  private static double[] table(int n, double s) {
    double[] cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
    return cumulative;
  }

  int next() {
    int index = Arrays.binarySearch(cumulative, random.nextDouble());
    return Math.min(index >= 0 ? index : -index - 1, cumulative.length - 1);
  }
}
