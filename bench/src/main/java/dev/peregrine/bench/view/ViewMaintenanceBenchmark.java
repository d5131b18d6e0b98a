package dev.peregrine.bench.view;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.internal.MaintainedView;
import dev.peregrine.store.view.internal.ViewRouter;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-change cost of incremental view maintenance (one event offered to a view), on prebuilt events
 * whose payloads are real records ({@code {"amount", "status", "customer": {"id", "tier"}}}):
 *
 * <ul>
 *   <li>{@code filterProjection}: {@code amount >= 100 and status in [new, paid]}, keeping two columns
 *       (one nested); about 80% of events pass. Goal ≤ 1 µs.</li>
 *   <li>{@code groupByCountSum}: group by {@code customer.id} (1,000 customers), count and sum of amount.
 *       Goal ≤ 300 ns.</li>
 *   <li>{@code routedThousandViews}: 1,000 registered views over 100 event types, so an event is routed
 *       to 10 (1%); the cost of one event through the router and those 10 views. Goal ≤ 25 µs.</li>
 * </ul>
 *
 * Each invocation offers the same 1,024 events at positions 1,024 higher than the previous one (a
 * filter view keys its rows by position); views are fresh at each iteration. A view keeps only its
 * rows and a few checkpoints, and a group view's checkpoint copies are part of the measured cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Thread)
public class ViewMaintenanceBenchmark {

    static final int BATCH = 1_024;
    static final int TYPES = 100;

    static final ViewDefinition FILTER = ViewDefinition.fromJson("""
            {"name": "big_orders", "event_types": ["order.placed"],
             "where": {"and": [{"field": "amount", "op": ">=", "value": 100},
                               {"field": "status", "op": "in", "value": ["new", "paid"]}]},
             "select": [{"field": "amount"}, {"field": "customer.id", "as": "customer"}]}""");

    static final ViewDefinition GROUP = ViewDefinition.fromJson("""
            {"name": "totals", "event_types": ["order.placed"], "group_by": [{"field": "customer.id", "as": "customer"}],
             "aggregates": [{"fn": "count", "as": "orders"}, {"fn": "sum", "field": "amount", "as": "total"}]}""");

    private BenchInput[] orders;
    private BenchInput[] typed;
    private MaintainedView filter;
    private MaintainedView group;
    private ViewRouter<MaintainedView> router;
    private final ShiftedInput shifted = new ShiftedInput();
    private long shift;

    @Setup(Level.Trial)
    public void events() {
        FieldDictionary dict = FieldDictionary.create();
        Random rnd = new Random(42);
        orders = new BenchInput[BATCH];
        typed = new BenchInput[BATCH];
        for (int i = 0; i < BATCH; i++) {
            orders[i] = BenchInput.order(dict, rnd, i + 1, "order.placed", 1_000);
            typed[i] = BenchInput.order(dict, rnd, i + 1, "type" + rnd.nextInt(TYPES), 1_000);
        }
    }

    @Setup(Level.Iteration)
    public void views() {
        BenchViewLog log = new BenchViewLog(); // nothing is retracted: never read
        filter = new MaintainedView(FILTER, log);
        group = new MaintainedView(GROUP, log);
        router = new ViewRouter<>(MaintainedView.class, MaintainedView::definition);
        for (int i = 0; i < 1_000; i++) {
            router.add(new MaintainedView(ViewDefinition.fromJson(routedView(i)), log));
        }
        shift = 0;
    }

    /**
     * @param i the view's number, 0 to 999
     * @return view {@code i} of the 1,000: reads type {@code i % 100}; even ones filter and project,
     *     odd ones group by tier with count and max
     */
    static String routedView(int i) {
        String type = "type" + (i % TYPES);
        return i % 2 == 0
                ? "{\"name\": \"v" + i + "\", \"event_types\": [\"" + type + "\"], \"where\": {\"field\": \"amount\", "
                        + "\"op\": \">=\", \"value\": " + (i % 400) + "}, \"select\": [\"amount\", \"customer.id\"]}"
                : "{\"name\": \"v" + i + "\", \"event_types\": [\"" + type + "\"], \"group_by\": [\"customer.tier\"], "
                        + "\"aggregates\": [{\"fn\": \"count\", \"as\": \"n\"}, {\"fn\": \"max\", \"field\": \"amount\", \"as\": \"top\"}]}";
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void filterProjection(Blackhole bh) {
        MaintainedView v = filter;
        ShiftedInput s = shifted;
        long by = shift;
        for (BenchInput in : orders) {
            bh.consume(v.insert(s.of(in, by), null));
        }
        shift = by + BATCH;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void groupByCountSum(Blackhole bh) {
        MaintainedView v = group;
        for (BenchInput in : orders) {
            bh.consume(v.insert(in, null));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void routedThousandViews(Blackhole bh) {
        ViewRouter<MaintainedView> r = router;
        ShiftedInput s = shifted;
        long by = shift;
        for (BenchInput in : typed) {
            for (MaintainedView v : r.typed(in.eventType())) {
                bh.consume(v.insert(s.of(in, by), null));
            }
            for (MaintainedView v : r.untyped()) {
                bh.consume(v.insert(s.of(in, by), null));
            }
        }
        shift = by + BATCH;
    }
}
