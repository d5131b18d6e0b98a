package dev.peregrine.bench.store;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap per distinct field name and per entity, the two figures of memory sizing besides heap per
 * event ({@link HeapPerEventMain}): live heap after a full GC, before and after building the state.
 *
 * <ul>
 *   <li><b>Field names</b>: a {@link FieldDictionary} (what the store keeps) interning {@code names}
 *       names of 8 to 24 characters ({@code attr_…}, padded), counted with the strings themselves,
 *       which the dictionary keeps.
 *   <li><b>Entities</b>: two stores of {@code events} events each, one event per entity in the first
 *       and 100 entities in the second; the difference over the entities is what one entity costs
 *       beyond its events (its id, its index list, its version).
 * </ul>
 *
 * <p>Not a JMH benchmark: it measures one state's size, not an operation. Run it with
 * {@code java -cp bench/target/benchmarks.jar dev.peregrine.bench.store.MemorySizingMain 100000 1000000}.
 */
public final class MemorySizingMain {

    private MemorySizingMain() {
    }

    public static void main(String[] args) {
        int names = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        // Once untimed and unmeasured: the first string concatenation links its call site, which leaves
        // method handles of a few megabytes on the heap that are no name's cost.
        fieldNames(1_000);
        long before = HeapPerEventMain.liveHeap(memory);
        FieldDictionary dictionary = fieldNames(names);
        long after = HeapPerEventMain.liveHeap(memory);
        System.out.printf("field names: %,d; heap per distinct name (dictionary and its strings): %.1f bytes%n",
                dictionary.size(), (after - before) / (double) names);

        long oneEach = heapOfStore(memory, events, events);
        long hundred = heapOfStore(memory, events, BenchStores.ENTITIES);
        System.out.printf("events: %,d; store heap with one entity per event: %,d bytes, with %d entities: %,d bytes%n",
                events, oneEach, BenchStores.ENTITIES, hundred);
        System.out.printf("heap per entity beyond its events: %.1f bytes%n",
                (oneEach - hundred) / (double) (events - BenchStores.ENTITIES));
    }

    private static FieldDictionary fieldNames(int names) {
        FieldDictionary dictionary = FieldDictionary.create();
        for (int i = 0; i < names; i++) {
            dictionary.intern("attr_" + i + "_".repeat(i % 17)); // 8 to 24 characters, as real keys are
        }
        return dictionary;
    }

    /** Live heap an open store holds after {@code events} events over {@code entities} entities. */
    private static long heapOfStore(MemoryMXBean memory, int events, int entities) {
        Path dir = BenchStores.tempDir();
        try {
            long before = HeapPerEventMain.liveHeap(memory);
            try (EventStore store = BenchStores.open(dir, Durability.none(), 0)) {
                Record payload = RecordBuilder.create(store.dictionary()).put("index", 1).put("data", "payload").build();
                List<NewEvent> batch = new ArrayList<>(1_000);
                for (int i = 0; i < events; i++) {
                    batch.add(NewEvent.builder().eventType(BenchStores.TYPE).entityId("entity-" + (i % entities))
                            .payload(payload).build());
                    if (batch.size() == 1_000) {
                        store.append(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    store.append(batch);
                }
                return HeapPerEventMain.liveHeap(memory) - before;
            }
        } finally {
            BenchStores.delete(dir);
        }
    }
}
