package dev.peregrine.bench.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuffer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Goal: JSON to record for a ~300-byte event, in MB/s, against Jackson parsing to a tree. Throughput in ops/s;
 * multiply by {@link Fixtures#eventJson()}'s length for MB/s (docs/benchmarks/record.md does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JsonParseBenchmark {

    private byte[] json;
    private FieldDictionary dict;
    private RecordBuffer buffer;
    private ObjectMapper mapper;

    @Setup
    public void setup() {
        json = Fixtures.eventJson();
        dict = FieldDictionary.create();
        buffer = RecordBuffer.create();
        mapper = new ObjectMapper();
    }

    @Benchmark
    public Record peregrineParse() {
        return JsonCodec.defaults().parse(dict, json);
    }

    @Benchmark
    public int peregrineParseIntoReusedBuffer() {
        return JsonCodec.defaults().parseInto(dict, json, 0, json.length, buffer);
    }

    @Benchmark
    public JsonNode jacksonTree() throws IOException {
        return mapper.readTree(json);
    }

    @Benchmark
    public Object jacksonHashMap() throws IOException {
        return mapper.readValue(json, Map.class);
    }

}
