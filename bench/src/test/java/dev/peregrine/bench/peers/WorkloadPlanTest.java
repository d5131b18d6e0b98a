package dev.peregrine.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The workloads' inputs are what the report says they are: sizes, counts, selectivity, skew. */
class WorkloadPlanTest {

  @Test
  void payloadsHaveExactSizesAndAreJsonObjects() {
    Payloads payloads = new Payloads(256, 150, 42);
    for (int i = 0; i < 2_000; i++) {
      assertThat(payloads.payload(i)).hasSize(256);
      assertThat(payloads.metadata(i)).hasSize(150);
      String text = new String(payloads.payload(i), StandardCharsets.UTF_8);
      assertThat(text).startsWith("{\"amount\":").endsWith("\"}");
    }
  }

  @Test
  void payloadsAreTheSameBytesForTheSameSeed() {
    assertThat(new Payloads(1024, 150, 7).payload(5)).isEqualTo(new Payloads(1024, 150, 7).payload(5));
    assertThat(new Payloads(1024, 150, 7).payload(5)).isNotEqualTo(new Payloads(1024, 150, 8).payload(5));
  }

  @Test
  void fullBulkPlanIsOneMillionEventsInTenThousandStreams() {
    BulkPlan plan = new BulkPlan(1.0, 4);
    assertThat(plan.totalEvents()).isEqualTo(1_000_000);
    assertThat(plan.streamsOfLength(10)).hasSize(5_000);
    assertThat(plan.streamsOfLength(100)).hasSize(4_500);
    assertThat(plan.streamsOfLength(1_000)).hasSize(500);
  }

  @Test
  void quickBulkPlanBatchesCoverEveryEventOnceInVersionOrderWithFivePercentRare() {
    BulkPlan plan = new BulkPlan(0.02, 4);
    Map<String, Long> lastVersion = new HashMap<>();
    Set<java.util.UUID> ids = new HashSet<>();
    long events = 0;
    long rare = 0;
    for (int writer = 0; writer < plan.writers(); writer++) {
      for (List<BenchEvent> batch : plan.batches(writer, 100, 0)) {
        assertThat(batch.size()).isBetween(1, 100);
        for (BenchEvent event : batch) {
          assertThat(event.version()).isEqualTo(lastVersion.getOrDefault(event.stream(), 0L) + 1);
          lastVersion.put(event.stream(), event.version());
          assertThat(event.dataBytes()).isEqualTo(BulkPlan.EVENT_BYTES);
          assertThat(ids.add(event.id())).isTrue();
          rare += event.type().equals(BulkPlan.RARE_TYPE) ? 1 : 0;
          events++;
        }
      }
    }
    assertThat(events).isEqualTo(plan.totalEvents()).isEqualTo(20_000);
    assertThat(rare).isEqualTo(plan.rareEvents());
    assertThat((double) rare / events).isBetween(0.049, 0.051);
    for (String stream : plan.streamsOfLength(1_000)) {
      assertThat(lastVersion.get(stream)).isEqualTo(1_000);
    }
  }

  @Test
  void zipfFavoursLowRanksAndIsReproducible() {
    Zipf zipf = new Zipf(100_000, 0.99, 1);
    int[] counts = new int[100_000];
    for (int i = 0; i < 200_000; i++) {
      counts[zipf.next()]++;
    }
    assertThat(counts[0]).isGreaterThan(counts[1]).isGreaterThan(counts[100]);
    // P(rank 0) = 1 / H(100000, 0.99), about 0.08: within a few percent over 200,000 draws.
    assertThat(counts[0] / 200_000.0).isBetween(0.07, 0.09);
    Zipf again = new Zipf(100_000, 0.99, 1);
    Zipf same = new Zipf(100_000, 0.99, 1);
    for (int i = 0; i < 1_000; i++) {
      assertThat(again.next()).isEqualTo(same.next());
    }
  }

  @Test
  void medianOfOddAndEvenRuns() {
    assertThat(Stats.median(new double[] {5, 1, 3})).isEqualTo(3);
    assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }
}
