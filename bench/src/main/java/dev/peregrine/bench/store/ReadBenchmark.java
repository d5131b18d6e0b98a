package dev.peregrine.bench.store;

import dev.peregrine.store.Durability;
import dev.peregrine.store.EntityState;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.EventView;
import dev.peregrine.store.EventVisitor;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.record.JsonCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads over AllSource's workload: 10,000 events over 100 entities (100 each), all of type
 * {@code benchmark.event}; plus two entities of 1,000 events each for reconstruction, one in a store
 * without snapshots and one with a snapshot at its last event. Sample mode, so JMH reports p50/p99.
 *
 * <p>The {@code …Visitor} variants run the same queries through {@link EventStore#query(Query, EventVisitor)}
 * with a visitor that reads each event's position, version, timestamp, entity id and payload size (what a
 * consumer that does not keep the event reads); {@code typeQueryLimit10Visitor} is there to tell the
 * allocation per query from the allocation per returned event under {@code -prof gc}: the difference of
 * the two type queries' B/op, divided by the 90 events between them, is the cost of one more event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadBenchmark {

    private Path dir;
    private EventStore store;
    private Query entityQuery;
    private Query typeQuery;
    private Query typeQuery10;
    private final SummingVisitor visitor = new SummingVisitor();

    /** Reads the fields a consumer that does not keep the event would read, and sums them. */
    private static final class SummingVisitor implements EventVisitor {
        long sum;

        @Override
        public boolean visit(EventView e) {
            sum += e.position() + e.version() + e.timestampNanos() + e.entityId().length() + e.payloadSize();
            return true;
        }
    }

    @Setup(Level.Trial)
    public void open() {
        dir = BenchStores.tempDir();
        store = BenchStores.open(dir, Durability.none(), 0);
        BenchStores.fill(store, 10_000, BenchStores.payloads(store, 10_000));
        for (String entity : List.of("fold-plain", "fold-snap")) {
            for (int from = 0; from < 1000; from += 100) {
                List<NewEvent> batch = new ArrayList<>();
                for (int i = from; i < from + 100; i++) {
                    batch.add(NewEvent.builder().eventType("fold.step").entityId(entity)
                            .payload(JsonCodec.defaults().parse(store.dictionary(),
                                    "{\"step\":" + i + ",\"f" + (i % 20) + "\":" + i + ",\"nested\":{\"n" + (i % 7)
                                            + "\":\"v" + i + "\"}}")).build());
                }
                store.append(batch);
            }
        }
        store.createSnapshot("fold-snap");
        entityQuery = Query.builder().entityId("entity-42").limit(100).build();
        typeQuery = Query.builder().eventType(BenchStores.TYPE).limit(100).build();
        typeQuery10 = Query.builder().eventType(BenchStores.TYPE).limit(10).build();
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        BenchStores.delete(dir);
    }

    /** Entity query returning 100 of the 10,000 events. */
    @Benchmark
    public QueryPage entityQuery100of10k() {
        return store.query(entityQuery);
    }

    /** Type query, limit 100, over 10,000 events of that type. */
    @Benchmark
    public QueryPage typeQueryLimit100() {
        return store.query(typeQuery);
    }

    /** The entity query through the visitor: no event object per result. */
    @Benchmark
    public long entityQuery100of10kVisitor() {
        Optional<String> next = store.query(entityQuery, visitor);
        return visitor.sum + (next.isPresent() ? 1 : 0);
    }

    /** The type query through the visitor. */
    @Benchmark
    public long typeQueryLimit100Visitor() {
        Optional<String> next = store.query(typeQuery, visitor);
        return visitor.sum + (next.isPresent() ? 1 : 0);
    }

    /** The type query with limit 10 through the visitor: the per-query part of the allocation. */
    @Benchmark
    public long typeQueryLimit10Visitor() {
        Optional<String> next = store.query(typeQuery10, visitor);
        return visitor.sum + (next.isPresent() ? 1 : 0);
    }

    /** Fold 1,000 payloads with JSON Merge Patch. */
    @Benchmark
    public EntityState reconstruct1000NoSnapshot() {
        return store.reconstruct("fold-plain", null);
    }

    /** The same entity state served from a snapshot at its last event. */
    @Benchmark
    public EntityState reconstruct1000WithSnapshot() {
        return store.reconstruct("fold-snap", null);
    }
}
