package dev.peregrine.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static dev.peregrine.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-id table through every growth threshold (it doubles at 70% load from 1,024 slots, so
 * 100,000 events cross seven of them), with the growth happening in the middle of a batch: every
 * acknowledged id must be found, and re-sending any batch must store nothing again.
 *
 * <p>This is the defect that a client found at scale: the table re-read ids of the batch being
 * written before their bytes were in the file, and lost 7–8 ids at each growth.
 */
class IdIndexGrowthTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 10, 137, 1000})
    void everyAcknowledgedIdIsFoundAndRetriesAreIdempotent(int batchSize) {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int total = batchSize == 1 ? 12_000 : 100_000;
        List<List<NewEvent>> batches = new ArrayList<>();
        List<AppendResult> acknowledged = new ArrayList<>();
        StoreOptions options = StoreOptions.builder().durability(Durability.none()).segmentBytes(8 << 20)
                .builtInProjections(false).build();
        try (EventStore store = EventStore.open(dir, options)) {
            // Shift the batches against the thresholds so that a growth falls inside a batch.
            int shift = 1 + random.nextInt(Math.max(1, batchSize - 1));
            for (int i = 0; i < shift; i++) {
                acknowledged.add(store.append(event(store, "t", "shift", "{}", new UUID(random.nextLong(), i))));
            }
            long slots = 1024;
            long nextGrowth = slots * 7 / 10 + 1; // the id whose put takes the table past 70% load
            for (int done = 0; done < total; done += batchSize) {
                List<NewEvent> batch = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++) {
                    batch.add(event(store, "t", "e-" + random.nextInt(500), "{\"n\":" + (done + i) + "}",
                            new UUID(random.nextLong(), random.nextLong())));
                }
                batches.add(batch);
                acknowledged.addAll(store.append(batch));
                if (store.lastPosition() >= nextGrowth) {
                    // Check right after each growth: the next growth re-reads every id and would mend it.
                    assertAllFound(store, acknowledged, seed);
                    slots *= 2;
                    nextGrowth = slots * 7 / 10 + 1;
                }
            }
            assertAllFound(store, acknowledged, seed);
            long last = store.lastPosition();
            for (int b = 0; b < batches.size(); b += 1 + random.nextInt(7)) { // a client retrying after timeouts
                List<AppendResult> again = store.append(batches.get(b));
                int first = shift + b * batchSize;
                assertThat(again).as("seed %d: retry of batch %d", seed, b)
                        .isEqualTo(acknowledged.subList(first, first + batchSize));
            }
            assertThat(store.lastPosition()).as("seed %d: retries stored nothing", seed).isEqualTo(last);
        }
        try (EventStore reopened = EventStore.open(dir, options)) { // the checkpointed table is right too
            assertAllFound(reopened, acknowledged, seed);
        }
    }

    private static void assertAllFound(EventStore store, List<AppendResult> acknowledged, long seed) {
        List<Long> missing = new ArrayList<>();
        for (AppendResult r : acknowledged) {
            var found = store.get(r.eventId());
            if (found.isEmpty() || found.get().position() != r.position()) {
                missing.add(r.position());
            }
        }
        assertThat(missing).as("seed %d: positions whose id is not found", seed).isEmpty();
    }
}
