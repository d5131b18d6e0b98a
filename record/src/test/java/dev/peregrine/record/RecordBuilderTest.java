package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordBuilderTest {

    private final FieldDictionary dict = FieldDictionary.create();

    @Test
    void sortsFieldsSoInsertionOrderDoesNotMatter() {
        Record a = RecordBuilder.create(dict).put("z", 1L).put("a", 2.0).put("m", "s").build();
        Record b = RecordBuilder.create(dict).put("m", "s").put("z", 1L).put("a", 2.0).build();
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        List<Integer> ids = new java.util.ArrayList<>();
        a.forEachField(f -> ids.add(f.fieldId()));
        assertThat(ids).isSorted();
    }

    @Test
    void rejectsADuplicateNameAndIsReusableAfterwards() {
        RecordBuilder b = RecordBuilder.create(dict);
        b.put("x", 1L).put("y", 2L).put("x", 3L);
        assertThatThrownBy(b::build).isInstanceOf(DuplicateFieldException.class)
                .hasMessage("duplicate field 'x' in one object");
        assertThat(b.put("x", 1L).build().toJson()).isEqualTo("{\"x\":1}");
        b.beginObject("o").put("k", 1L).put("k", 2L);
        assertThatThrownBy(b::endObject).isInstanceOf(DuplicateFieldException.class).hasMessageContaining("'k'");
    }

    @Test
    void nestedObjectsAndArrays() {
        Record r = RecordBuilder.create(dict)
                .put("id", 7L)
                .beginObject("user").put("name", "ada").beginObject("address").put("city", "Paris").endObject()
                .endObject()
                .beginArray("items").add(1L).add(2.5).add(true).add("s").addNull().beginObject().put("k", 1L)
                .endObject().beginArray().add(false).endArray().endArray()
                .putNull("none")
                .build();
        assertThat(r.toJson()).isEqualTo("{\"id\":7,\"user\":{\"name\":\"ada\",\"address\":{\"city\":\"Paris\"}},"
                + "\"items\":[1,2.5,true,\"s\",null,{\"k\":1},[false]],\"none\":null}");
        assertThat(r.getString(FieldPath.parse("user.address.city"))).isEqualTo("Paris");
        assertThat(Record.wrap(dict, r.toByteArray())).isEqualTo(r);
    }

    @Test
    void misuseOfNestingIsAClearError() {
        RecordBuilder b = RecordBuilder.create(dict);
        assertThatThrownBy(b::endObject).isInstanceOf(IllegalStateException.class)
                .hasMessage("endObject() without a matching beginObject");
        assertThatThrownBy(() -> b.add(1L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside an object");
        b.beginArray("a");
        assertThatThrownBy(() -> b.put("x", 1L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside an array");
        assertThatThrownBy(b::endObject).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the innermost open value is an array");
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("still open");
        assertThat(b.build().fieldCount()).isZero(); // the failed build reset it
        assertThatThrownBy(() -> b.put(12345, 1L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field id 12345 is not in the dictionary");
        assertThatThrownBy(() -> b.put("s", "x\udc00")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate at index 1");
    }

    @Test
    void withFieldsMapsJavaValues() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("n", 1);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("i", 5);
        fields.put("s", (short) 2);
        fields.put("f", 1.5f);
        fields.put("b", false);
        fields.put("t", new StringBuilder("text"));
        fields.put("bytes", new byte[] {1});
        fields.put("nested", nested);
        fields.put("list", Arrays.asList(1L, "x", null, List.of(true)));
        fields.put("nil", null);
        Record r = RecordBuilder.create(dict).withFields(fields).build();
        assertThat(r.toJson()).isEqualTo("{\"i\":5,\"s\":2,\"f\":1.5,\"b\":false,\"t\":\"text\",\"bytes\":\"AQ==\","
                + "\"nested\":{\"n\":1},\"list\":[1,\"x\",null,[true]],\"nil\":null}");
        assertThatThrownBy(() -> RecordBuilder.create(dict).withFields(Map.of("d", new java.util.Date())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'d'")
                .hasMessageContaining("java.util.Date");
    }

    @Test
    void buildIntoAndSerializeIntoReuseTheCallersBuffer() {
        RecordBuilder b = RecordBuilder.create(dict);
        RecordBuffer buffer = RecordBuffer.create(8);
        int first = b.put("a", 1L).put("s", "x".repeat(100)).buildInto(buffer);
        byte[] firstBytes = buffer.toByteArray();
        assertThat(first).isEqualTo(buffer.length());
        byte[] array = buffer.array();
        int second = b.put("a", 2L).buildInto(buffer);
        assertThat(buffer.array()).isSameAs(array); // smaller record: no new array
        assertThat(buffer.toRecord(dict).toJson()).isEqualTo("{\"a\":2}");
        assertThat(second).isLessThan(first);
        assertThat(Record.wrap(dict, firstBytes).getString("s")).hasSize(100);
        Map<String, Object> source = Map.of("k", 1L, "v", "value");
        int length = b.serializeInto(source, buffer);
        assertThat(buffer.toRecord(dict)).isEqualTo(RecordBuilder.create(dict).withFields(source).build());
        assertThat(length).isEqualTo(buffer.length());
    }

    @Test
    void recordsAndArraysFromAnotherRecordAreCopied() {
        Record inner = JsonCodec.defaults().parse(dict, "{\"x\":[1,{\"y\":2}]}");
        Record outer = RecordBuilder.create(dict).put("inner", inner).put("arr", inner.getArray("x"))
                .beginArray("list").add(inner).endArray().build();
        assertThat(outer.toJson()).isEqualTo("{\"inner\":{\"x\":[1,{\"y\":2}]},\"arr\":[1,{\"y\":2}],\"list\":[{\"x\":[1,{\"y\":2}]}]}");
        assertThatThrownBy(() -> RecordBuilder.create(FieldDictionary.create()).put("a", inner))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another field dictionary");
    }

    @Test
    void limitsAreEnforced() {
        RecordBuilder b = RecordBuilder.create(dict).limits(JsonLimits.DEFAULTS.withMaxDepth(2)
                .withMaxFieldsPerObject(2).withMaxArrayLength(1).withMaxRecordBytes(64));
        assertThatThrownBy(() -> b.reset().beginObject("a").beginObject("b")).isInstanceOf(RecordLimitException.class)
                .hasMessage("nesting depth exceeds the limit of 2");
        assertThatThrownBy(() -> b.reset().put("a", 1L).put("b", 1L).put("c", 1L))
                .isInstanceOf(RecordLimitException.class).hasMessageContaining("number of fields in one object");
        assertThatThrownBy(() -> b.reset().beginArray("a").add(1L).add(2L)).isInstanceOf(RecordLimitException.class)
                .hasMessageContaining("number of elements in one array");
        assertThatThrownBy(() -> b.reset().put("a", "x".repeat(100))).isInstanceOf(RecordLimitException.class)
                .hasMessage("record size exceeds the limit of 64");
    }
}
