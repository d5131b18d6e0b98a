package dev.peregrine.record.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordFormatException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The store's unvalidated wrap reads valid bytes exactly like {@link Record#wrap}, and skips validation. */
class TrustedRecordsTest {

    private final FieldDictionary dict = FieldDictionary.create();

    @Test
    void readsValidBytesLikeTheValidatingWrap() {
        byte[] bytes = JsonCodec.defaults().parse(dict, "{\"name\":\"ada\",\"n\":42,\"tags\":[\"x\",2,null],\"ok\":true}")
                .toByteArray();

        Record trusted = TrustedRecords.wrap(dict, MemorySegment.ofArray(bytes));
        Record checked = Record.wrap(dict, bytes);

        assertThat(trusted).isEqualTo(checked);
        assertThat(JsonCodec.defaults().toJson(trusted)).isEqualTo(JsonCodec.defaults().toJson(checked));
        assertThat(trusted.getString("name")).isEqualTo("ada");
    }

    @Test
    void doesNotValidate() {
        byte[] bytes = JsonCodec.defaults().parse(dict, "{\"name\":\"ada\"}").toByteArray();
        int at = indexOf(bytes, "ada".getBytes(StandardCharsets.UTF_8));
        bytes[at] = (byte) 0xFF; // no longer UTF-8

        assertThatThrownBy(() -> Record.wrap(dict, bytes)).isInstanceOf(RecordFormatException.class);
        assertThat(TrustedRecords.wrap(dict, MemorySegment.ofArray(bytes)).fieldCount()).isEqualTo(1);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
