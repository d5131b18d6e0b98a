package dev.peregrine.store.view.internal;

import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.NewEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Random appends and tombstones against a real store, for view and subscription tests. */
public final class StoreWorkload {

    private final EventStore store;
    private final Random rnd;
    private final RandomViews gen;
    private final Set<String> deleted = new HashSet<>();

    public StoreWorkload(EventStore store, Random rnd) {
        this.store = store;
        this.rnd = rnd;
        this.gen = new RandomViews(rnd);
        // A store reopened with history: its tombstoned streams are re-created with no_stream too.
        for (ViewOracle.Entry e : StoreLog.read(store)) {
            if (e.payload() == null) {
                deleted.add(e.entity());
            } else {
                deleted.remove(e.entity());
            }
        }
    }

    /** Appends a random batch of 1–8 events, or tombstones an entity (1 step in 12). */
    public void step() {
        if (rnd.nextInt(12) == 0) {
            String entity = "e" + rnd.nextInt(8);
            if (!deleted.contains(entity) && store.streamVersion(entity) > 0) {
                store.tombstone(entity);
                deleted.add(entity);
                return;
            }
        }
        int n = 1 + rnd.nextInt(8);
        List<NewEvent> batch = new ArrayList<>();
        Set<String> inBatch = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String entity = "e" + rnd.nextInt(8);
            NewEvent.Builder b = NewEvent.builder()
                    .eventType(RandomViews.TYPES[rnd.nextInt(RandomViews.TYPES.length)])
                    .entityId(entity)
                    .tenantId(rnd.nextBoolean() ? "t1" : "t2")
                    .payload(RecordBuilder.create(store.dictionary()).withFields(gen.payload()).build());
            if (deleted.contains(entity) && inBatch.add(entity)) {
                b.expectedVersion(ExpectedVersion.noStream()); // re-creates a tombstoned stream
            }
            batch.add(b.build());
        }
        store.append(batch);
        deleted.removeAll(inBatch);
    }
}
