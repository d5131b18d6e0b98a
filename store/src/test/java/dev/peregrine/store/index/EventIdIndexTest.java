package dev.peregrine.store.index;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The slot layout of {@link EventIdIndex}: a position and a tag share one {@code long}, so the
 * largest positions must not bleed into the tag, ids whose tags collide must still be told apart by
 * the log, and a position the slot cannot hold is refused rather than stored truncated.
 */
class EventIdIndexTest {

    /** Ids by position, as the log holds them. */
    private static final class Log implements EventIdIndex.IdSource {
        final Map<Long, long[]> ids = new HashMap<>();

        @Override
        public long msb(long position) {
            return ids.get(position)[0];
        }

        @Override
        public long lsb(long position) {
            return ids.get(position)[1];
        }

        @Override
        public int idHash(long position) {
            return EventIdIndex.hash(msb(position), lsb(position));
        }
    }

    private static final long LARGEST = (1L << EventIdIndex.POSITION_BITS) - 1;

    @Test
    void theLargestPositionsAreFoundAsStoredThroughDoublings() {
        Log log = new Log();
        EventIdIndex index = new EventIdIndex(log, IndexMemory.HEAP);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int n = 5_000; // past three doublings from 1,024 slots
        for (int i = 0; i < n; i++) {
            long position = LARGEST - n + 1 + i; // every bit of the position field set near the end
            long[] id = {random.nextLong(), random.nextLong()};
            log.ids.put(position, id);
            index.put(id[0], id[1], position);
        }
        for (Map.Entry<Long, long[]> e : log.ids.entrySet()) {
            assertThat(index.find(e.getValue()[0], e.getValue()[1], LARGEST)).as("seed %d", seed).isEqualTo(e.getKey());
            assertThat(index.find(e.getValue()[0], e.getValue()[1], e.getKey() - 1)).as("seed %d: not yet visible", seed)
                    .isZero();
        }
        assertThat(index.find(random.nextLong(), random.nextLong(), LARGEST)).isZero();
    }

    @Test
    void idsWhoseTagsCollideAreToldApartByTheLog() {
        Log log = new Log();
        EventIdIndex index = new EventIdIndex(log, IndexMemory.HEAP, 1); // two tags: most probes match one
        for (long p = 1; p <= 3_000; p++) {
            long[] id = {p * 0x9E3779B97F4A7C15L, ~p};
            log.ids.put(p, id);
            index.put(id[0], id[1], p);
        }
        for (long p = 1; p <= 3_000; p++) {
            assertThat(index.find(p * 0x9E3779B97F4A7C15L, ~p, Long.MAX_VALUE)).isEqualTo(p);
        }
        assertThat(index.find(0x1234L, 0x5678L, Long.MAX_VALUE)).isZero();
    }

    @Test
    void aPositionTheSlotCannotHoldIsRefused() {
        EventIdIndex index = new EventIdIndex(new Log(), IndexMemory.HEAP);
        assertThatThrownBy(() -> index.put(1, 2, LARGEST + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2^40");
        assertThatThrownBy(() -> index.put(1, 2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(index.size()).isZero();
    }
}
