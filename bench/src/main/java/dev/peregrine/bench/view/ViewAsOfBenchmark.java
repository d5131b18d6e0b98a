package dev.peregrine.bench.view;

import dev.peregrine.bench.BenchFiles;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an as-of read of a group view costs on a real store ({@code docs/views.md}, <i>Time travel</i>):
 * a view of 16 groups (count, sum, max) over 1,000,000 events, read {@code age} positions before the
 * log's end. The read copies the newest checkpoint at or below that position and replays the log from
 * there, so its cost grows with the gap to that checkpoint (about {@code age × 0.24} at most here), not
 * with the view's history. {@code now} is {@code read()}, for comparison.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class ViewAsOfBenchmark {

    static final int EVENTS = 1_000_000;

    @Param({"1000", "100000", "900000"})
    public long age;

    private Path dir;
    private EventStore store;
    private View view;
    private long last;

    @Setup(Level.Trial)
    public void build() throws Exception {
        dir = Files.createTempDirectory("peregrine-asof-bench-");
        store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none()).segmentBytes(256 << 20)
                .builtInProjections(false).build());
        view = store.views().register(ViewDefinition.fromJson("""
                {"name": "by_group", "group_by": ["g"], "aggregates": [{"fn": "count", "as": "n"},
                 {"fn": "sum", "field": "a", "as": "total"}, {"fn": "max", "field": "a", "as": "top"}]}"""),
                BackfillListener.NONE);
        List<NewEvent> batch = new ArrayList<>(1_000);
        for (int i = 0; i < EVENTS; i++) {
            batch.add(NewEvent.builder().eventType("tick").entityId("e" + i % 1_000)
                    .payload(RecordBuilder.create(store.dictionary())
                            .withFields(Map.of("g", (long) (i % 16), "a", (long) (i % 1_000))).build())
                    .build());
            if (batch.size() == 1_000) {
                store.append(batch);
                batch.clear();
            }
        }
        last = store.lastPosition();
        if (!view.awaitPosition(last, Duration.ofMinutes(5))) {
            throw new IllegalStateException("the view did not reach " + last);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        BenchFiles.deleteTree(dir);
    }

    @Benchmark
    public ViewSnapshot asOf() {
        return view.readAsOf(last - age);
    }

    @Benchmark
    public ViewSnapshot now() {
        return view.read();
    }
}
