package dev.peregrine.bench.store;

import dev.peregrine.bench.BenchFiles;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Shared setup of the store benchmarks: AllSource's benchmark workload (payload
 * {@code {"index":i,"data":"payload"}}, 100 entities, type {@code benchmark.event}), fresh store
 * directories under {@code java.io.tmpdir}, and their removal.
 */
final class BenchStores {

    static final String TYPE = "benchmark.event";
    static final int ENTITIES = 100;

    private BenchStores() {
    }

    static EventStore open(Path dir, Durability durability, int snapshotEvery) {
        return EventStore.open(dir, StoreOptions.builder().durability(durability).segmentBytes(256 << 20)
                .snapshotEvery(snapshotEvery).builtInProjections(false).build());
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("peregrine-bench-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void delete(Path dir) {
        try {
            BenchFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Payload records {@code {"index":i,"data":"payload"}} parsed once, outside the measurement. */
    static List<Record> payloads(EventStore store, int n) {
        List<Record> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(JsonCodec.defaults().parse(store.dictionary(), "{\"index\":" + i + ",\"data\":\"payload\"}"));
        }
        return out;
    }

    /** A new event (fresh generated id) for workload index {@code i}. */
    static NewEvent event(Record payload, int i) {
        return NewEvent.builder().eventType(TYPE).entityId(entity(i)).payload(payload).build();
    }

    static String entity(int i) {
        return ENTITY_NAMES[i % ENTITIES];
    }

    private static final String[] ENTITY_NAMES = new String[ENTITIES];

    static {
        for (int i = 0; i < ENTITIES; i++) {
            ENTITY_NAMES[i] = "entity-" + i;
        }
    }

    /** Appends {@code n} workload events in batches of 1,000. */
    static void fill(EventStore store, int n, List<Record> payloads) {
        for (int from = 0; from < n; from += 1000) {
            List<NewEvent> batch = new ArrayList<>(1000);
            for (int i = from; i < Math.min(n, from + 1000); i++) {
                batch.add(event(payloads.get(i % payloads.size()), i));
            }
            store.append(batch);
        }
    }
}
