package dev.peregrine.store;

import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static dev.peregrine.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectionTest {

    @TempDir
    Path dir;

    /** Counts events and sums their "n"; persists both with its checkpoint. */
    static final class Sum implements Projection {
        final AtomicLong applied = new AtomicLong();
        volatile long sum;
        volatile long count;
        private final EventStore store;

        Sum(EventStore store) {
            this.store = store;
        }

        @Override
        public String name() {
            return "sum";
        }

        @Override
        public void apply(StoredEvent event) {
            applied.incrementAndGet();
            sum += event.payload().getLong("n");
            count++;
        }

        @Override
        public Optional<Record> state(String key) {
            return Optional.of(RecordBuilder.create(store.dictionary()).put("sum", sum).put("count", count).build());
        }

        @Override
        public void reset() {
            sum = 0;
            count = 0;
        }

        @Override
        public Optional<byte[]> saveState() {
            return Optional.of(ByteBuffer.allocate(16).putLong(sum).putLong(count).array());
        }

        @Override
        public void restoreState(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            sum = b.getLong();
            count = b.getLong();
        }
    }

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).followerCheckpointEvery(10).build();
    }

    @Test
    void customProjectionResumesFromItsCheckpointWithoutDoubleCounting() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            Sum sum = new Sum(store);
            store.registerProjection(sum);
            for (int i = 1; i <= 25; i++) {
                store.append(event(store, "t", "e" + (i % 4), "{\"n\":" + i + "}").build());
            }
            store.awaitProjections(Duration.ofSeconds(10));
            assertThat(sum.sum).isEqualTo(325);
            assertThatThrownBy(() -> store.registerProjection(new Sum(store))).isInstanceOf(StateConflictException.class);
        }
        try (EventStore store = EventStore.open(dir, options())) {
            Sum sum = new Sum(store);
            store.registerProjection(sum);
            store.append(event(store, "t", "e", "{\"n\":100}").build());
            store.awaitProjections(Duration.ofSeconds(10));
            assertThat(sum.sum).isEqualTo(425);
            assertThat(sum.count).isEqualTo(26);
            assertThat(sum.applied.get()).as("only the event after the checkpoint was applied").isEqualTo(1);
            assertThat(store.projectionPosition("sum")).isEqualTo(26);
            assertThat(store.projectionNames()).containsExactly("entity_snapshots", "event_counters", "sum");

            assertThat(store.rebuildProjection("sum")).isTrue();
            store.awaitProjections(Duration.ofSeconds(10));
            assertThat(sum.sum).isEqualTo(425);
            assertThat(sum.applied.get()).isEqualTo(27);
            assertThat(store.projection("event_counters").orElseThrow().state("t").orElseThrow().getLong("count"))
                    .isEqualTo(26);
        }
    }
}
