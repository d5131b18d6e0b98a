package dev.peregrine.bench.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.flatbuffers.FlexBuffers;
import com.google.flatbuffers.FlexBuffersBuilder;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The same data in every representation the record benchmarks compare. */
final class Fixtures {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Fixtures() {
    }

    /** A 12-field event: 4 longs, 2 doubles, 2 booleans, 4 strings. */
    static Map<String, Object> twelveFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", 981_234_567L);
        m.put("ts", 1_700_000_000_123L);
        m.put("seq", 42L);
        m.put("user", "user-00017");
        m.put("kind", "order.placed");
        m.put("ok", true);
        m.put("score", 98.25);
        m.put("amount", 1234.5);
        m.put("region", "eu-west-1");
        m.put("retries", 3L);
        m.put("flag", false);
        m.put("source", "checkout-service");
        return m;
    }

    /** The first 8 fields of {@link #twelveFields()}. */
    static Map<String, Object> eightFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = 0;
        for (Map.Entry<String, Object> e : twelveFields().entrySet()) {
            if (n++ < 8) {
                m.put(e.getKey(), e.getValue());
            }
        }
        return m;
    }

    /** A ~300-byte event as JSON (UTF-8). */
    static byte[] eventJson() {
        return ("{\"event_type\":\"order.placed\",\"entity_id\":\"order-000123456\",\"timestamp\":1700000000123,"
                + "\"version\":7,\"payload\":{\"customer\":{\"id\":\"cust-9876\",\"name\":\"Ada Lovelace\","
                + "\"tier\":\"gold\"},\"items\":[{\"sku\":\"A-100\",\"qty\":2,\"price\":19.99},"
                + "{\"sku\":\"B-220\",\"qty\":1,\"price\":5.5}],\"total\":45.48,\"currency\":\"EUR\","
                + "\"express\":true},\"metadata\":{\"source\":\"web\",\"ip\":\"192.0.2.17\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static Record record(FieldDictionary dict, Map<String, Object> fields) {
        try {
            return JsonCodec.defaults().parse(dict, MAPPER.writeValueAsBytes(fields));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode objectNode(Map<String, Object> fields) {
        return MAPPER.valueToTree(fields);
    }

    static HashMap<String, Object> hashMap(Map<String, Object> fields) {
        return new HashMap<>(fields);
    }

    /** A FlexBuffers map with the same fields (strings, longs, doubles, booleans). */
    static FlexBuffers.Map flex(Map<String, Object> fields) {
        FlexBuffersBuilder b = new FlexBuffersBuilder(512);
        writeFlex(b, fields);
        return FlexBuffers.getRoot(b.finish()).asMap();
    }

    static void writeFlex(FlexBuffersBuilder b, Map<String, Object> fields) {
        int start = b.startMap();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            String k = e.getKey();
            switch (e.getValue()) {
                case Long l -> b.putInt(k, l.longValue());
                case Double d -> b.putFloat(k, d.doubleValue());
                case Boolean z -> b.putBoolean(k, z);
                case String s -> b.putString(k, s);
                default -> throw new IllegalArgumentException(k);
            }
        }
        b.endMap(null, start);
    }

    static int size(ByteBuffer buffer) {
        return buffer.remaining();
    }
}
