package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MutableRecordTest {

    private final FieldDictionary dict = FieldDictionary.create();
    private final MutableRecord m = MutableRecord.copyOf(JsonCodec.defaults().parse(dict,
            "{\"version\":1,\"ok\":false,\"price\":9.5,\"status\":\"open\",\"tags\":[\"a\"]}"));

    @Test
    void fixedWidthAndSameLengthStringWritesKeepTheGeneration() {
        m.setLong("version", 2).setBoolean("ok", true).setDouble("price", 10.25).setString("status", "done")
                .setNull("missing-but-new");
        int afterAdd = m.generation();
        assertThat(afterAdd).isEqualTo(1); // only the add of a new field spliced
        m.setLong("version", 3).setString("status", "shut").setNull("missing-but-new").setBoolean("ok", false);
        assertThat(m.generation()).isEqualTo(afterAdd);
        assertThat(m.toJson()).isEqualTo(
                "{\"version\":3,\"ok\":false,\"price\":10.25,\"status\":\"shut\",\"tags\":[\"a\"],\"missing-but-new\":null}");
    }

    @Test
    void splicesBumpTheGenerationAndKeepTheRecordValid() {
        m.setString("status", "archived");  // longer
        assertThat(m.generation()).isEqualTo(1);
        m.setString("version", "v1");       // type change
        assertThat(m.generation()).isEqualTo(2);
        m.setLong("new", 5);                // add
        assertThat(m.generation()).isEqualTo(3);
        assertThat(m.remove("tags")).isTrue();
        assertThat(m.remove("tags")).isFalse();
        assertThat(m.generation()).isEqualTo(4);
        m.setBytes("blob", new byte[] {7});
        m.setRecord("obj", JsonCodec.defaults().parse(dict, "{\"x\":[1,2]}"));
        Record r = Record.wrap(dict, m.toRecord().toByteArray());
        assertThat(r.toJson()).isEqualTo(
                "{\"version\":\"v1\",\"ok\":false,\"price\":9.5,\"status\":\"archived\",\"new\":5,\"blob\":\"Bw==\",\"obj\":{\"x\":[1,2]}}");
        assertThat(m.getString("status")).isEqualTo("archived");
        assertThat(m.getDouble("price")).isEqualTo(9.5);
        assertThat(m.getLong("new")).isEqualTo(5);
        assertThat(m.getBoolean("ok")).isFalse();
        assertThat(m.typeOf("obj")).isEqualTo(FieldType.OBJECT);
        assertThat(m.typeOf(dict.idOf("obj"))).isEqualTo(FieldType.OBJECT);
        assertThat(m.getLong(dict.idOf("new"))).isEqualTo(5);
        assertThat(m.getDouble(dict.idOf("new"))).isEqualTo(5.0);
        assertThat(m.getDouble(dict.idOf("price"))).isEqualTo(9.5);
        assertThat(m.getBoolean(dict.idOf("ok"))).isFalse();
        assertThat(m.getString(dict.idOf("version"))).isEqualTo("v1");
        assertThatThrownBy(() -> m.getLong(dict.idOf("ok"))).isInstanceOf(FieldTypeException.class)
                .hasMessage("field 'ok' is BOOL, not I64");
        assertThatThrownBy(() -> m.getBoolean(dict.idOf("new"))).isInstanceOf(FieldTypeException.class)
                .hasMessage("field 'new' is I64, not BOOL");
        assertThatThrownBy(() -> m.getLong(dict.intern("never-set"))).isInstanceOf(FieldNotFoundException.class)
                .hasMessage("field 'never-set' not found");
    }

    @Test
    void retainAndDrain() {
        int removed = m.retain((id, name, type) -> type != FieldType.STRING && !name.equals("ok"));
        assertThat(removed).isEqualTo(2);
        assertThat(m.toJson()).isEqualTo("{\"version\":1,\"price\":9.5,\"tags\":[\"a\"]}");
        int generation = m.generation();
        Record drained = m.drain();
        assertThat(drained.toJson()).isEqualTo("{\"version\":1,\"price\":9.5,\"tags\":[\"a\"]}");
        assertThat(m.fieldCount()).isZero();
        assertThat(m.sizeInBytes()).isEqualTo(8);
        assertThat(m.generation()).isGreaterThan(generation);
        m.setLong("version", 1);
        assertThat(m.toJson()).isEqualTo("{\"version\":1}");
    }

    @Test
    void slotsReadAndWriteInPlaceAndStayValidAcrossInPlaceWrites() {
        FieldSlot version = m.resolve("version");
        FieldSlot ok = m.resolve("ok");
        FieldSlot price = m.resolve(dict.idOf("price"));
        FieldSlot status = m.resolve("status");
        version.setLong(version.getLong() + 41);
        ok.setBoolean(!ok.getBoolean());
        price.setDouble(price.getDouble() * 2);
        status.setString("shut");
        m.setLong("version", version.getLong() + 1);
        assertThat(version.getLong()).isEqualTo(43);
        assertThat(ok.getBoolean()).isTrue();
        assertThat(price.getDouble()).isEqualTo(19.0);
        assertThat(status.getString()).isEqualTo("shut");
        assertThat(version.isValid()).isTrue();
        assertThat(version.type()).isEqualTo(FieldType.I64);
        assertThat(m.getLong("version")).isEqualTo(43);
    }

    @Test
    void aStaleSlotIsAlwaysDetectedNamingTheField() {
        FieldSlot version = m.resolve("version");
        FieldSlot price = m.resolve("price");
        m.setLong("added", 1);
        assertThat(version.isValid()).isFalse();
        assertThatThrownBy(version::getLong).isInstanceOf(StaleFieldSlotException.class)
                .hasMessageContaining("'version'").hasMessageContaining("generation 0")
                .hasMessageContaining("generation 1");
        assertThatThrownBy(() -> price.setDouble(1)).isInstanceOf(StaleFieldSlotException.class);
        assertThat(m.getDouble("price")).isEqualTo(9.5); // the stale write did not happen
        FieldSlot fresh = m.resolve("version");
        assertThat(fresh.getLong()).isEqualTo(1);
    }

    @Test
    void slotStringWriteOfAnotherLengthSplicesAndRepointsOnlyThatSlot() {
        FieldSlot status = m.resolve("status");
        FieldSlot version = m.resolve("version");
        status.setString("a much longer status");
        assertThat(status.getString()).isEqualTo("a much longer status");
        assertThat(status.isValid()).isTrue();
        assertThatThrownBy(version::getLong).isInstanceOf(StaleFieldSlotException.class);
    }

    @Test
    void slotTypeMismatchAndMissingField() {
        FieldSlot status = m.resolve("status");
        assertThatThrownBy(status::getLong).isInstanceOf(FieldTypeException.class)
                .hasMessage("field 'status' is STRING, not I64");
        assertThatThrownBy(() -> m.resolve("nope")).isInstanceOf(FieldNotFoundException.class);
        assertThatThrownBy(() -> m.getLong("nope")).isInstanceOf(FieldNotFoundException.class);
        assertThatThrownBy(() -> m.setString("status", "\ud800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> m.setRecord("x", Record.empty(FieldDictionary.create())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another field dictionary");
    }

    @Test
    void growingFromEmptyKeepsEverythingReadable() {
        MutableRecord grow = MutableRecord.create(dict);
        for (int i = 0; i < 300; i++) {
            grow.setString("k" + i, "value-" + i);
        }
        for (int i = 0; i < 300; i += 2) {
            grow.remove("k" + i);
        }
        Record r = Record.wrap(dict, grow.toRecord().toByteArray());
        assertThat(r.fieldCount()).isEqualTo(150);
        assertThat(r.getString("k299")).isEqualTo("value-299");
        RecordBuffer buffer = RecordBuffer.create();
        assertThat(grow.copyInto(buffer)).isEqualTo(grow.sizeInBytes());
        assertThat(buffer.toRecord(dict)).isEqualTo(r);
    }
}
