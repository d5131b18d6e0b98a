package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The worked example of docs/format.md, byte for byte, so the document and the code cannot drift apart. */
class RecordLayoutTest {

    @Test
    void fourFieldEventMatchesTheDocumentedBytes() {
        FieldDictionary dict = FieldDictionary.create();
        Record r = JsonCodec.defaults().parse(dict, "{\"ts\":1700000000000,\"seq\":42,\"ok\":true,\"kind\":\"login!!\"}");
        String expected = "01" + "00" + "0400" + "3f000000"
                + "00000004" + "28000000"
                + "01000004" + "30000000"
                + "02000003" + "38000000"
                + "03000006" + "38000000"
                + "0068e5cf8b010000"
                + "2a00000000000000"
                + "6c6f67696e2121";
        assertThat(HexFormat.of().formatHex(r.toByteArray())).isEqualTo(expected);
    }

    @Test
    void decimalMatchesTheDocumentedBytes() {
        Record r = JsonCodec.defaults().parse(FieldDictionary.create(), "{\"n\":1e-400}");
        assertThat(HexFormat.of().formatHex(r.toByteArray()))
                .isEqualTo("01" + "00" + "0100" + "16000000" + "0000000a" + "10000000" + "31652d343030");
        assertThat(RecordLayout.TAG_DECIMAL).isEqualTo(10).isEqualTo(RecordLayout.MAX_TAG);
    }

    @Test
    void offsetsChain() {
        assertThat(RecordLayout.KIND_OFFSET).isEqualTo(RecordLayout.VERSION_OFFSET + RecordLayout.VERSION_LENGTH);
        assertThat(RecordLayout.HEADER_LENGTH).isEqualTo(8);
        assertThat(RecordLayout.ENTRY_LENGTH).isEqualTo(8);
        assertThat(RecordLayout.dataOffset(4)).isEqualTo(40);
        assertThat(FieldDictionaryLayout.HEADER_LENGTH).isEqualTo(5);
    }

    @Test
    void dictionaryMatchesTheDocumentedLayout() {
        FieldDictionary dict = FieldDictionary.of(java.util.List.of("ts", "\u00e9"));
        assertThat(HexFormat.of().formatHex(dict.encode())).isEqualTo("01" + "02000000" + "0200" + "7473" + "0200" + "c3a9");
    }
}
