package dev.peregrine.bench.schema;

import dev.peregrine.bench.BenchFiles;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import dev.peregrine.schema.SchemaRegistry;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What schema enforcement costs an append: {@link SchemaRegistry#check} of a batch of {@value #BATCH}
 * order events, alone ({@code check}) and followed by the append itself ({@code checkAndAppend},
 * durability {@code none}, so the disk does not hide the difference), with the event type enforced
 * ({@code schema=enforced}) or with no schema at all ({@code schema=none}, the baseline, which costs
 * a map lookup per batch). Reported per event. The payload (a 4-field order with two lines) and the
 * schema (types, required, closed objects, an enum, a minimum) are what a real order schema checks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchemaCheckBenchmark {

    static final int BATCH = 100;
    static final String TYPE = "order.placed";
    static final String SCHEMA = """
            {"type":"object","required":["order_id","customer","amount","currency","lines"],
             "additionalProperties":false,
             "properties":{
               "order_id":{"type":"string"},"customer":{"type":"string"},
               "amount":{"type":"number","minimum":0},"currency":{"enum":["EUR","USD","GBP"]},
               "lines":{"type":"array","items":{"type":"object","required":["sku","qty"],
                 "properties":{"sku":{"type":"string"},"qty":{"type":"integer","minimum":1}}}}}}""";

    @Param({"none", "enforced"})
    public String schema;

    private Path dir;
    private EventStore store;
    private SchemaRegistry registry;
    private List<NewEvent> batch;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("peregrine-bench-schema-");
        store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none()).segmentBytes(256 << 20)
                .builtInProjections(false).build());
        registry = SchemaRegistry.open(dir);
        if (schema.equals("enforced")) {
            registry.register(TYPE, SCHEMA, Optional.empty(), List.of());
            registry.setEnforced(TYPE, true);
        }
        batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            Record payload = JsonCodec.defaults().parse(store.dictionary(), "{\"order_id\":\"o-" + i
                    + "\",\"customer\":\"c-" + (i % 10) + "\",\"amount\":" + (10 + i) + ".5,\"currency\":\"EUR\","
                    + "\"lines\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-7\",\"qty\":1}]}");
            batch.add(NewEvent.builder().eventType(TYPE).entityId("order-" + (i % 100)).payload(payload).build());
        }
        registry.check(batch); // the workload is valid: a refusal here is a broken benchmark
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        BenchFiles.deleteTree(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<NewEvent> check() {
        registry.check(batch);
        return batch;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<AppendResult> checkAndAppend() {
        registry.check(batch);
        return store.append(batch);
    }
}
