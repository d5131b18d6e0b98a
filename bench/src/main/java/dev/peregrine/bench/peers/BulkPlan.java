package dev.peregrine.bench.peers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The events of workload 2, decided before any peer runs. The full plan is 1,000,000 events of
 * 1 KB in 10,000 streams: 500 streams of 1,000 events, 4,500 of 100 and 5,000 of 10 (so that
 * workload 3 finds streams of each length). Streams are shuffled with a fixed seed and dealt to the
 * writers; each writer appends its streams one after the other, in version order, cut into batches
 * (a batch may span streams). Every 20th event of a writer is of type {@code account.flagged}: the 5%-selective
 * filter of workload 3.
 */
final class BulkPlan {

  static final int[] STREAM_LENGTHS = {10, 100, 1_000};
  private static final int[] FULL_STREAM_COUNTS = {5_000, 4_500, 500};
  /** Payload plus metadata of every bulk event: the "1 KB" of the issue. */
  static final int EVENT_BYTES = 1024;
  private static final int METADATA_BYTES = 150;
  static final String RARE_TYPE = "account.flagged";
  private static final String[] COMMON_TYPES = {"account.deposited", "account.withdrawn", "account.transferred"};
  private static final long SEED = 0x5EED_0002L;

  private final List<String> streams = new ArrayList<>();
  private final List<Integer> lengths = new ArrayList<>();
  private final List<List<Integer>> writerStreams = new ArrayList<>();
  private final Payloads payloads = new Payloads(EVENT_BYTES - METADATA_BYTES, METADATA_BYTES, SEED);
  private final long totalEvents;

  BulkPlan(double fraction, int writers) {
    List<Integer> order = new ArrayList<>();
    long total = 0;
    for (int c = 0; c < STREAM_LENGTHS.length; c++) {
      int count = Math.max(1, (int) Math.round(FULL_STREAM_COUNTS[c] * fraction));
      for (int i = 0; i < count; i++) {
        order.add(streams.size());
        streams.add("bulk-" + STREAM_LENGTHS[c] + "x" + i); // one Message DB category, "bulk"
        lengths.add(STREAM_LENGTHS[c]);
        total += STREAM_LENGTHS[c];
      }
    }
    totalEvents = total;
    Collections.shuffle(order, new Random(SEED));
    for (int w = 0; w < writers; w++) {
      writerStreams.add(new ArrayList<>());
    }
    for (int i = 0; i < order.size(); i++) {
      writerStreams.get(i % writers).add(order.get(i));
    }
  }

  long totalEvents() {
    return totalEvents;
  }

  int streams() {
    return streams.size();
  }

  int writers() {
    return writerStreams.size();
  }

  /** Events of type {@link #RARE_TYPE} in the plan (what the filtered catch-up must return). */
  long rareEvents() {
    long rare = 0;
    for (List<Integer> mine : writerStreams) {
      long count = 0;
      for (int stream : mine) {
        count += lengths.get(stream);
      }
      rare += (count + 19) / 20;
    }
    return rare;
  }

  /** The streams of one length, for the loads of workload 3. */
  List<String> streamsOfLength(int length) {
    List<String> selected = new ArrayList<>();
    for (int i = 0; i < streams.size(); i++) {
      if (lengths.get(i) == length) {
        selected.add(streams.get(i));
      }
    }
    return selected;
  }

  /** Writer {@code writer}'s events cut into batches of {@code batchSize}; {@code run} varies the ids. */
  Iterable<List<BenchEvent>> batches(int writer, int batchSize, int run) {
    return () -> new java.util.Iterator<>() {
      private final List<Integer> mine = writerStreams.get(writer);
      private int streamIndex;
      private int version = 1;
      private long sequence;

      @Override
      public boolean hasNext() {
        return streamIndex < mine.size();
      }

      @Override
      public List<BenchEvent> next() {
        List<BenchEvent> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && streamIndex < mine.size()) {
          int stream = mine.get(streamIndex);
          String type = sequence % 20 == 0 ? RARE_TYPE : COMMON_TYPES[(int) (sequence % COMMON_TYPES.length)];
          long n = writer * 1_000_003L + sequence;
          batch.add(new BenchEvent(streams.get(stream), version, type,
              new UUID(SEED + run * 64L + writer, sequence), payloads.payload(n), payloads.metadata(n)));
          sequence++;
          if (++version > lengths.get(stream)) {
            version = 1;
            streamIndex++;
          }
        }
        return batch;
      }
    };
  }
}
