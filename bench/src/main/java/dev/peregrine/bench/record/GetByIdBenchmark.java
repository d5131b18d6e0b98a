package dev.peregrine.bench.record;

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

/**
 * Goal: read one field by its interned id from an 8-field record in at most 5 ns (Kestrel's plan: under
 * 100 ns). Peers have no field ids: FlexBuffers reads by position in its sorted key vector (its closest
 * equivalent), HashMap by an Integer key.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GetByIdBenchmark {

    private Record record;
    private int id;
    private FlexBuffers.Map flex;
    private int flexIndex;
    private HashMap<Integer, Object> byInteger;
    private Integer boxedId;

    @Setup
    public void setup() {
        FieldDictionary dict = FieldDictionary.create();
        record = Fixtures.record(dict, Fixtures.eightFields());
        id = dict.idOf("amount"); // the last of the 8 fields: the longest scan
        flex = Fixtures.flex(Fixtures.eightFields());
        FlexBuffers.KeyVector keys = flex.keys();
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).toString().equals("amount")) {
                flexIndex = i;
            }
        }
        byInteger = new HashMap<>();
        for (String name : Fixtures.eightFields().keySet()) {
            byInteger.put(dict.idOf(name), Fixtures.eightFields().get(name));
        }
        boxedId = 1000 + id; // outside the Integer cache, like a real boxed key
        byInteger.put(boxedId, byInteger.get(id));
    }

    @Benchmark
    public double peregrine() {
        return record.getDouble(id);
    }

    @Benchmark
    public double flexBuffersByIndex() {
        return flex.values().get(flexIndex).asFloat();
    }

    @Benchmark
    public double hashMapIntegerKey() {
        return (Double) byInteger.get(boxedId);
    }
}
