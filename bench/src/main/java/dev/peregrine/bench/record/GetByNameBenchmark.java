package dev.peregrine.bench.record;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.flatbuffers.FlexBuffers;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Goal: read one field by name from a 12-field record in at most 7 ns (SpookyRecord: 9-12 ns). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GetByNameBenchmark {

    private Record record;
    private ObjectNode jackson;
    private HashMap<String, Object> hashMap;
    private FlexBuffers.Map flex;
    // Not a constant, so the JIT cannot fold the lookup.
    private String name = "retries";

    @Setup
    public void setup() {
        record = Fixtures.record(FieldDictionary.create(), Fixtures.twelveFields());
        jackson = Fixtures.objectNode(Fixtures.twelveFields());
        hashMap = Fixtures.hashMap(Fixtures.twelveFields());
        flex = Fixtures.flex(Fixtures.twelveFields());
        name = new String("retries"); // a distinct instance, as a caller's string would be
    }

    @Benchmark
    public long peregrine() {
        return record.getLong(name);
    }

    @Benchmark
    public long jacksonObjectNode() {
        return jackson.get(name).longValue();
    }

    @Benchmark
    public long hashMap() {
        return (Long) hashMap.get(name);
    }

    @Benchmark
    public long flexBuffers() {
        return flex.get(name).asLong();
    }
}
