package dev.peregrine.bench.store;

import dev.peregrine.record.Record;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * AllSource's "concurrent writes (8 threads)" figure: one operation is 8 threads each appending 250
 * single events, and ends when all 2,000 are acknowledged. The threads are pooled (created once), as
 * a server's would be. {@link #oneThreadTimes2000} is the same appends from one thread, as a baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConcurrentBurstBenchmark {

    @Param({"none", "fsync"})
    public String durability;

    private Path dir;
    private EventStore store;
    private List<Record> payloads;
    private ExecutorService pool;

    @Setup(Level.Iteration)
    public void open() {
        dir = BenchStores.tempDir();
        store = BenchStores.open(dir, Durability.parse(durability), 0);
        payloads = BenchStores.payloads(store, 250);
        pool = Executors.newFixedThreadPool(8);
    }

    @TearDown(Level.Iteration)
    public void close() {
        pool.shutdownNow();
        store.close();
        BenchStores.delete(dir);
    }

    @Benchmark
    public long eightThreadsTimes250() {
        List<CompletableFuture<Long>> done = new ArrayList<>(8);
        for (int t = 0; t < 8; t++) {
            int thread = t;
            done.add(CompletableFuture.supplyAsync(() -> {
                long last = 0;
                for (int i = 0; i < 250; i++) {
                    last = store.append(BenchStores.event(payloads.get(i), thread * 250 + i)).position();
                }
                return last;
            }, pool));
        }
        long max = 0;
        for (CompletableFuture<Long> f : done) {
            max = Math.max(max, f.join());
        }
        return max;
    }

    /**
     * The same 2,000 single appends from one thread: the cost of an append's round trip when no
     * other append can share its group.
     */
    @Benchmark
    public long oneThreadTimes2000() {
        long last = 0;
        for (int i = 0; i < 2000; i++) {
            last = store.append(BenchStores.event(payloads.get(i % 250), i)).position();
        }
        return last;
    }
}
