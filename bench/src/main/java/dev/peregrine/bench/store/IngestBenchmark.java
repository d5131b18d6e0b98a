package dev.peregrine.bench.store;

import dev.peregrine.record.Record;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
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
import java.util.concurrent.TimeUnit;

/**
 * Batch ingest, AllSource's "Batch Ingestion" suite: one operation appends one atomic batch of
 * {@code batchSize} new events (fresh UUIDv7 ids, 100 entities) and waits for its acknowledgement.
 * Reported as batches per second; multiply by {@code batchSize} for events per second. Payload
 * records are parsed once in setup (JSON parsing is the record module's benchmark). One store per
 * trial, so the log keeps growing across iterations as a real one does (and the index structures
 * with it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IngestBenchmark {

    @Param({"100", "1000", "10000"})
    public int batchSize;

    @Param({"none", "fsync"})
    public String durability;

    private Path dir;
    private EventStore store;
    private List<Record> payloads;
    private int next;

    @Setup(Level.Trial)
    public void open() {
        dir = BenchStores.tempDir();
        store = BenchStores.open(dir, Durability.parse(durability), 0);
        payloads = BenchStores.payloads(store, batchSize);
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        BenchStores.delete(dir);
    }

    @Benchmark
    public List<AppendResult> appendBatch() {
        List<NewEvent> batch = new ArrayList<>(batchSize);
        int base = next;
        for (int i = 0; i < batchSize; i++) {
            batch.add(BenchStores.event(payloads.get(i), base + i));
        }
        next = base + batchSize;
        return store.append(batch);
    }
}
