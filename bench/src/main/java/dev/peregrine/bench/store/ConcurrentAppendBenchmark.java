package dev.peregrine.bench.store;

import dev.peregrine.record.Record;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Eight threads each appending single events with {@code fsync}: throughput from JMH, and the latency
 * of every append (submit to acknowledgement, which includes waiting for the group's force) recorded
 * in an HdrHistogram whose p50/p99/p99.9 are printed at the end of each iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class ConcurrentAppendBenchmark {

    private Path dir;
    private EventStore store;
    private List<Record> payloads;
    private final Recorder latencies = new Recorder(3);

    @Setup(Level.Iteration)
    public void open() {
        dir = BenchStores.tempDir();
        store = BenchStores.open(dir, Durability.fsync(), 0);
        payloads = BenchStores.payloads(store, 1000);
        latencies.reset();
    }

    @TearDown(Level.Iteration)
    public void close() {
        Histogram h = latencies.getIntervalHistogram();
        System.out.printf("%n  8-thread single appends, fsync: n=%d p50=%.1f us p99=%.1f us p99.9=%.1f us max=%.1f us%n",
                h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
        store.close();
        BenchStores.delete(dir);
    }

    @Benchmark
    public AppendResult appendOne() {
        int i = ThreadLocalRandom.current().nextInt(1000);
        long start = System.nanoTime();
        AppendResult r = store.append(BenchStores.event(payloads.get(i), i));
        latencies.recordValue(System.nanoTime() - start);
        return r;
    }
}
