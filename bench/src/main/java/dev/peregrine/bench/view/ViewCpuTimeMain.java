package dev.peregrine.bench.view;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.internal.MaintainedView;
import dev.peregrine.store.view.internal.ViewRouter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The same three per-change workloads as {@link ViewMaintenanceBenchmark}, timed by the thread's CPU
 * time as well as wall time. On a machine whose cores are shared with other busy processes, wall time
 * includes the time the thread waited for a core; CPU time does not (it still includes cache and
 * memory effects of the sharing). Reports the best of 5 rounds of 200,000 events, after 3 warm-up
 * rounds, for a fresh view each round. Supplementary to the JMH figures, not a replacement.
 */
public final class ViewCpuTimeMain {

    private static final int EVENTS = 200_000;

    private ViewCpuTimeMain() {}

    public static void main(String[] args) {
        FieldDictionary dict = FieldDictionary.create();
        Random rnd = new Random(42);
        BenchInput[] orders = new BenchInput[EVENTS];
        BenchInput[] typed = new BenchInput[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            orders[i] = BenchInput.order(dict, rnd, i + 1, "order.placed", 1_000);
            typed[i] = BenchInput.order(dict, rnd, i + 1, "type" + rnd.nextInt(ViewMaintenanceBenchmark.TYPES), 1_000);
        }
        measure("filterProjection", () -> {
            MaintainedView v = new MaintainedView(ViewMaintenanceBenchmark.FILTER, new BenchViewLog());
            return () -> run(v, orders);
        });
        measure("groupByCountSum", () -> {
            MaintainedView v = new MaintainedView(ViewMaintenanceBenchmark.GROUP, new BenchViewLog());
            return () -> run(v, orders);
        });
        measure("routedThousandViews", () -> {
            ViewRouter<MaintainedView> router = new ViewRouter<>(MaintainedView.class, MaintainedView::definition);
            BenchViewLog log = new BenchViewLog(); // nothing is retracted: never read
            for (int i = 0; i < 1_000; i++) {
                router.add(new MaintainedView(ViewDefinition.fromJson(ViewMaintenanceBenchmark.routedView(i)), log));
            }
            return () -> routed(router, typed);
        });
    }

    private static long run(MaintainedView view, BenchInput[] events) {
        long n = 0;
        for (BenchInput e : events) {
            n += view.insert(e, null) ? 1 : 0;
        }
        return n;
    }

    private static long routed(ViewRouter<MaintainedView> router, BenchInput[] events) {
        long n = 0;
        for (BenchInput e : events) {
            for (MaintainedView v : router.typed(e.eventType())) {
                n += v.insert(e, null) ? 1 : 0;
            }
        }
        return n;
    }

    /** @param setup builds a round's fresh views (not timed) and returns the timed round */
    private static void measure(String name, Supplier<LongSupplier> setup) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double bestCpu = Double.MAX_VALUE;
        double bestWall = Double.MAX_VALUE;
        for (int r = 0; r < 8; r++) {
            LongSupplier round = setup.get();
            System.gc();
            long cpu0 = mx.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            round.getAsLong();
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            if (r >= 3) {
                bestCpu = Math.min(bestCpu, (double) cpu / EVENTS);
                bestWall = Math.min(bestWall, (double) wall / EVENTS);
            }
        }
        System.out.printf("%-20s cpu %8.0f ns/event   wall %8.0f ns/event (best of 5)%n", name, bestCpu, bestWall);
    }
}
