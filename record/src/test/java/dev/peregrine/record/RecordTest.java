package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordTest {

    private final FieldDictionary dict = FieldDictionary.create();
    private final Record record = JsonCodec.defaults().parse(dict, """
            {"ts": 1700000000000, "ok": true, "score": 2.5, "name": "ada", "nothing": null,
             "user": {"address": {"city": "Paris", "zip": 75001}},
             "items": [10, {"sku": "A-1"}, [true, false], "last"]}""");

    @Test
    void fourFieldEventFitsIn64Bytes() {
        Record event = RecordBuilder.create(dict).put("ts", 1L).put("seq", 2L).put("ok", true).put("kind", "abcdefg")
                .build();
        assertThat(event.sizeInBytes()).isEqualTo(63);
    }

    @Test
    void gettersByNameIdAndPath() {
        assertThat(record.getLong("ts")).isEqualTo(1700000000000L);
        assertThat(record.getLong(dict.idOf("ts"))).isEqualTo(1700000000000L);
        assertThat(record.getBoolean("ok")).isTrue();
        assertThat(record.getBoolean(dict.idOf("ok"))).isTrue();
        assertThat(record.getDouble("score")).isEqualTo(2.5);
        assertThat(record.getDouble(dict.idOf("score"))).isEqualTo(2.5);
        assertThat(record.getDouble("ts")).isEqualTo(1.7e12); // I64 widens
        assertThat(record.getString("name")).isEqualTo("ada");
        assertThat(record.getString(dict.idOf("name"))).isEqualTo("ada");
        assertThat(record.isNull("nothing")).isTrue();
        assertThat(record.typeOf("nothing")).isEqualTo(FieldType.NULL);
        assertThat(record.getString(FieldPath.parse("user.address.city"))).isEqualTo("Paris");
        assertThat(record.getLong(FieldPath.parse("user.address.zip"))).isEqualTo(75001);
        assertThat(record.getLong(FieldPath.parse("items[0]"))).isEqualTo(10);
        assertThat(record.getString(FieldPath.parse("items[1].sku"))).isEqualTo("A-1");
        assertThat(record.getBoolean(FieldPath.parse("items[2][1]"))).isFalse();
        assertThat(record.typeOf(FieldPath.parse("items[2]"))).isEqualTo(FieldType.ARRAY);
        assertThat(record.getRecord("user").getRecord("address").getString("city")).isEqualTo("Paris");
        assertThat(record.getRecord(FieldPath.parse("user.address")).fieldCount()).isEqualTo(2);
        RecordArray items = record.getArray("items");
        assertThat(items.size()).isEqualTo(4);
        assertThat(items.getString(3)).isEqualTo("last");
        assertThat(items.getRecord(1).getString("sku")).isEqualTo("A-1");
        assertThat(items.getArray(2).getBoolean(0)).isTrue();
        assertThat(items.toJson()).isEqualTo("[10,{\"sku\":\"A-1\"},[true,false],\"last\"]");
    }

    @Test
    void missingFieldsThrowOrGiveTheDefault() {
        assertThat(record.has("nope")).isFalse();
        assertThat(record.has(dict.intern("absent"))).isFalse();
        assertThat(record.has(FieldPath.parse("user.address.street"))).isFalse();
        assertThat(record.has(FieldPath.parse("items[9]"))).isFalse();
        assertThat(record.has(FieldPath.parse("ts.x"))).isFalse();
        assertThatThrownBy(() -> record.getLong("nope")).isInstanceOf(FieldNotFoundException.class)
                .hasMessage("field 'nope' not found");
        assertThatThrownBy(() -> record.getLong(dict.intern("absent"))).isInstanceOf(FieldNotFoundException.class)
                .hasMessage("field 'absent' not found");
        assertThatThrownBy(() -> record.getLong(9999)).isInstanceOf(FieldNotFoundException.class)
                .hasMessage("field '#9999' not found");
        assertThatThrownBy(() -> record.getString(FieldPath.parse("user.address.street")))
                .isInstanceOf(FieldNotFoundException.class).hasMessage("field 'user.address.street' not found");
        assertThatThrownBy(() -> record.typeOf("nope")).isInstanceOf(FieldNotFoundException.class);
        assertThat(record.getLong("nope", 7)).isEqualTo(7);
        assertThat(record.getDouble("nope", 1.5)).isEqualTo(1.5);
        assertThat(record.getBoolean("nope", true)).isTrue();
        assertThat(record.getString("nope", "d")).isEqualTo("d");
        assertThat(record.getLong("ts", 7)).isEqualTo(1700000000000L);
        assertThatThrownBy(() -> record.getArray("items").getLong(4)).isInstanceOf(FieldNotFoundException.class)
                .hasMessageContaining("[4] (array size 4)");
    }

    @Test
    void wrongTypesThrowNamingBothTypes() {
        assertThatThrownBy(() -> record.getLong("name")).isInstanceOf(FieldTypeException.class)
                .hasMessage("field 'name' is STRING, not I64");
        assertThatThrownBy(() -> record.getLong(dict.idOf("score"))).isInstanceOf(FieldTypeException.class)
                .hasMessage("field 'score' is F64, not I64");
        assertThatThrownBy(() -> record.getString(FieldPath.parse("items[0]"))).isInstanceOf(FieldTypeException.class)
                .hasMessage("field 'items[0]' is I64, not STRING");
        assertThatThrownBy(() -> record.getLong("nothing", 3)).isInstanceOf(FieldTypeException.class);
        assertThatThrownBy(() -> record.getBoolean("ts")).isInstanceOf(FieldTypeException.class);
        assertThatThrownBy(() -> record.getRecord("items")).isInstanceOf(FieldTypeException.class);
        assertThatThrownBy(() -> record.getArray("user")).isInstanceOf(FieldTypeException.class);
        assertThatThrownBy(() -> record.getArray("items").getString(0)).isInstanceOf(FieldTypeException.class)
                .hasMessage("field '[0]' is I64, not STRING");
    }

    @Test
    void forEachFieldVisitsInIdOrderWithOneCursor() {
        List<String> seen = new ArrayList<>();
        List<FieldCursor> cursors = new ArrayList<>();
        record.forEachField(field -> {
            seen.add(field.name() + ":" + field.type());
            cursors.add(field);
            if (field.type() == FieldType.I64) {
                assertThat(field.getLong()).isEqualTo(1700000000000L);
            }
        });
        assertThat(seen).containsExactly("ts:I64", "ok:BOOL", "score:F64", "name:STRING", "nothing:NULL", "user:OBJECT",
                "items:ARRAY");
        assertThat(cursors).allSatisfy(c -> assertThat(c).isSameAs(cursors.get(0)));
        List<FieldType> elements = new ArrayList<>();
        record.getArray("items").forEachElement(e -> elements.add(e.type()));
        assertThat(elements).containsExactly(FieldType.I64, FieldType.OBJECT, FieldType.ARRAY, FieldType.STRING);
    }

    @Test
    void anEmptyRecordIsWhatABuilderWithNoFieldsEncodesAndValidates() {
        Record empty = Record.empty(dict);
        assertThat(empty.toByteArray()).isEqualTo(RecordBuilder.create(dict).build().toByteArray());
        assertThat(Record.wrap(dict, empty.toByteArray())).isEqualTo(empty);
        assertThat(empty.fieldCount()).isZero();
        assertThat(JsonCodec.defaults().toJson(empty)).isEqualTo("{}");
    }

    @Test
    void projectKeepsOnlyTheNamedFields() {
        Record p = record.project("name", "user", "missing");
        assertThat(p.toJson()).isEqualTo("{\"name\":\"ada\",\"user\":{\"address\":{\"city\":\"Paris\",\"zip\":75001}}}");
        assertThat(record.project()).isEqualTo(Record.empty(dict));
    }

    @Test
    void equalityIsByContentWithinADictionary() {
        Record a = RecordBuilder.create(dict).put("x", 1L).put("y", "z").build();
        Record b = RecordBuilder.create(dict).put("y", "z").put("x", 1L).build();
        Record c = RecordBuilder.create(dict).put("x", 2L).put("y", "z").build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
        FieldDictionary other = FieldDictionary.of(dict.names());
        Record sameBytesOtherDictionary = Record.wrap(other, a.toByteArray());
        assertThat(sameBytesOtherDictionary.toJson()).isEqualTo(a.toJson());
        assertThat(sameBytesOtherDictionary).isNotEqualTo(a);
        assertThat(record.getRecord("user")).isEqualTo(JsonCodec.defaults().parse(dict,
                "{\"address\":{\"zip\":75001,\"city\":\"Paris\"}}"));
    }

    @Test
    void bytesAndBuffers() {
        Record r = RecordBuilder.create(dict).put("blob", new byte[] {1, 2, 3}).build();
        assertThat(r.getBytes("blob")).containsExactly(1, 2, 3);
        assertThat(r.getBytes(dict.idOf("blob"))).containsExactly(1, 2, 3);
        assertThat(record.isNull(dict.idOf("nothing"))).isTrue();
        assertThat(record.isNull(dict.idOf("ts"))).isFalse();
        assertThat(r.typeOf("blob")).isEqualTo(FieldType.BYTES);
        assertThat(r.toJson()).isEqualTo("{\"blob\":\"AQID\"}");
        RecordBuffer buffer = RecordBuffer.create(1);
        assertThat(record.copyInto(buffer)).isEqualTo(record.sizeInBytes());
        assertThat(buffer.toRecord(dict)).isEqualTo(record);
        assertThat(record.toByteArray()).isEqualTo(buffer.toByteArray());
        assertThat(record.segment().byteSize()).isEqualTo(record.sizeInBytes());
    }
}
