package dev.peregrine.bench.view;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.internal.MaintainedView;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One change on a 100,000-row view against recomputing that view from its 100,000 events: the
 * view groups by customer id with 100,000 distinct customers (one row per event), count, sum, min and
 * max. {@code oneChange} applies an insert and its tombstone's retraction (two changes, so the view
 * stays at 100,000 rows across invocations); {@code fullRecompute} builds the view from scratch.
 * Goal: one change ≥ 1,000× cheaper.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Thread)
public class ViewRecomputeBenchmark {

    static final int ROWS = 100_000;

    static final ViewDefinition VIEW = ViewDefinition.fromJson("""
            {"name": "per_customer", "group_by": [{"field": "customer.id", "as": "customer"}],
             "aggregates": [{"fn": "count", "as": "orders"}, {"fn": "sum", "field": "amount", "as": "total"},
                            {"fn": "min", "field": "amount", "as": "low"}, {"fn": "max", "field": "amount", "as": "high"}]}""");

    private BenchInput[] events;
    private BenchInput change;
    private MaintainedView view;
    /** Holds the changer's one event, which each retraction reads back. */
    private final BenchViewLog log = new BenchViewLog();
    /** The last tombstone's position: above the change's (ROWS + 1), so each retraction reads it back. */
    private long position = ROWS + 1;

    @Setup(Level.Trial)
    public void build() {
        FieldDictionary dict = FieldDictionary.create();
        Random rnd = new Random(7);
        events = new BenchInput[ROWS];
        for (int i = 0; i < ROWS; i++) {
            BenchInput o = BenchInput.order(dict, rnd, i + 1, "order.placed", Integer.MAX_VALUE);
            // distinct customer per event: exactly ROWS groups
            events[i] = new BenchInput(o.position(), o.eventType(), o.entityId(), o.tenantId(), o.timestamp(),
                    o.version(), dev.peregrine.record.RecordBuilder.create(dict).withFields(java.util.Map.of(
                            "amount", (long) rnd.nextInt(500),
                            "customer", java.util.Map.of("id", "c" + i))).build());
        }
        change = new BenchInput(ROWS + 1, "order.placed", "changer", "t1", 0, 1, events[ROWS / 2].payload());
        for (BenchInput e : events) {
            log.append(e);
        }
        log.append(change);
    }

    /** A fresh 100,000-row view per iteration. */
    @Setup(Level.Iteration)
    public void view() {
        view = new MaintainedView(VIEW, log);
        for (BenchInput e : events) {
            view.insert(e, null);
        }
        if (view.rowCount() != ROWS) {
            throw new IllegalStateException("expected " + ROWS + " rows, got " + view.rowCount());
        }
    }

    @Benchmark
    public long oneChange() {
        view.insert(change, null);
        return view.retract("changer", ++position, null);
    }

    @Benchmark
    public long fullRecompute() {
        MaintainedView fresh = new MaintainedView(VIEW, log);
        for (BenchInput e : events) {
            fresh.insert(e, null);
        }
        return fresh.rowCount();
    }
}
