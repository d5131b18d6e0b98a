package dev.peregrine.bench.record;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.flatbuffers.ArrayReadWriteBuf;
import com.google.flatbuffers.FlexBuffersBuilder;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.RecordBuffer;
import dev.peregrine.record.RecordBuilder;
import java.nio.ByteBuffer;
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
 * Goal: build a 4-field event (i64, i64, bool, 7-character string) into a reused buffer in at most 100 ns with
 * 0 B/op (run with {@code -prof gc}). Peers build the same event: FlexBuffers with a reused builder, a Jackson
 * ObjectNode and a HashMap (both necessarily new per event).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BuildBenchmark {

    private RecordBuilder builder;
    private RecordBuffer buffer;
    private FlexBuffersBuilder flex;
    private long ts = 1_700_000_000_000L;
    private long seq;
    private String kind = "login!!";

    @Setup
    public void setup() {
        builder = RecordBuilder.create(FieldDictionary.create());
        buffer = RecordBuffer.create();
        flex = new FlexBuffersBuilder(new ArrayReadWriteBuf(256), FlexBuffersBuilder.BUILDER_FLAG_SHARE_KEYS);
    }

    @Benchmark
    public int peregrineBuildInto() {
        return builder.put("ts", ts).put("seq", seq++).put("ok", true).put("kind", kind).buildInto(buffer);
    }

    @Benchmark
    public ByteBuffer flexBuffersReusedBuilder() {
        flex.clear();
        int start = flex.startMap();
        flex.putInt("ts", ts);
        flex.putInt("seq", seq++);
        flex.putBoolean("ok", true);
        flex.putString("kind", kind);
        flex.endMap(null, start);
        return flex.finish();
    }

    @Benchmark
    public ObjectNode jacksonObjectNode() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("ts", ts).put("seq", seq++).put("ok", true).put("kind", kind);
        return node;
    }

    @Benchmark
    public HashMap<String, Object> hashMap() {
        HashMap<String, Object> map = new HashMap<>();
        map.put("ts", ts);
        map.put("seq", seq++);
        map.put("ok", true);
        map.put("kind", kind);
        return map;
    }
}
