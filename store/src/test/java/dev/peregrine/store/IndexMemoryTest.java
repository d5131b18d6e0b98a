package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.RecordBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexes' numbers are off the heap: a store's heap for its indexes does not grow with the
 * events it holds (before the mapped index memory it took about 40 bytes an event), neither while
 * appending nor after a reopen that loads the index checkpoint, and every index still answers.
 */
class IndexMemoryTest {

    private static final int EVENTS = 300_000;
    private static final int ENTITIES = 40;
    private static final int TYPES = 3;

    @TempDir
    Path dir;

    @Test
    void indexHeapStaysFlatWhileEventsGrowAndAfterAReopen() throws Exception {
        StoreOptions options = StoreOptions.builder().durability(Durability.none()).build();
        List<UUID> sampledIds = new ArrayList<>();
        try (EventStore store = EventStore.open(dir, options)) {
            long heapAtStart = store.diagnostics().indexHeapBytes();
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                batch.add(NewEvent.builder().eventType("t" + (i % TYPES)).entityId("e" + (i % ENTITIES))
                        .payload(RecordBuilder.create(store.dictionary()).put("i", (long) i).build()).build());
                if (batch.size() == 1_000) {
                    List<AppendResult> done = store.append(batch);
                    sampledIds.add(done.get(i / 1_000 % 1_000).eventId());
                    batch.clear();
                }
            }
            assertFlat(store, heapAtStart, "after appending");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".scratch"));
        }
        try (EventStore store = EventStore.open(dir, options)) {
            assertThat(store.diagnostics().recovery().entriesReplayed()).as("the checkpoint was loaded").isZero();
            assertFlat(store, 0, "after a reopen");
            for (UUID id : sampledIds) {
                assertThat(store.get(id)).as("event %s by id", id).isPresent();
            }
            assertThat(store.streamVersion("e7")).isEqualTo(EVENTS / ENTITIES);
            List<StoredEvent> tail = store.query(Query.builder().eventType("t2").fromPosition(EVENTS - 30).build())
                    .events();
            assertThat(tail).isNotEmpty().allSatisfy(e -> {
                assertThat(e.position()).isGreaterThanOrEqualTo(EVENTS - 30);
                assertThat(e.eventType()).isEqualTo("t2");
            });
            assertThat(tail).hasSize(11); // positions 299970..300000 hold events 299969..299999, every third of type t2
        }
    }

    private static void assertFlat(EventStore store, long heapAtStart, String when) {
        StoreDiagnostics d = store.diagnostics();
        // Numbers: 8 bytes in the entity's list, 8 in the type's, 8 in the offset index, 11-16 in the id table.
        assertThat(d.indexMappedBytes()).as(when + ": the numbers are mapped").isGreaterThanOrEqualTo(35L * EVENTS);
        // What stays on the heap is a page table per list and a small object per page: well under a
        // byte an event, where the numbers themselves were 40.
        assertThat(d.indexHeapBytes() - heapAtStart).as(when + ": index heap bytes").isLessThan(EVENTS / 4);
    }
}
