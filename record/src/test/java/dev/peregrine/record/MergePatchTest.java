package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The examples of RFC 7396 Appendix A. */
class MergePatchTest {

    private final FieldDictionary dict = FieldDictionary.create();

    private Record json(String text) {
        return JsonCodec.defaults().parse(dict, text);
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"a\":\"b\"}                | {\"a\":\"c\"}                    | {\"a\":\"c\"}",
        "{\"a\":\"b\"}                | {\"b\":\"c\"}                    | {\"a\":\"b\",\"b\":\"c\"}",
        "{\"a\":\"b\"}                | {\"a\":null}                     | {}",
        "{\"a\":\"b\",\"b\":\"c\"}    | {\"a\":null}                     | {\"b\":\"c\"}",
        "{\"a\":[\"b\"]}              | {\"a\":\"c\"}                    | {\"a\":\"c\"}",
        "{\"a\":\"c\"}                | {\"a\":[\"b\"]}                  | {\"a\":[\"b\"]}",
        "{\"a\":{\"b\":\"c\"}}        | {\"a\":{\"b\":\"d\",\"c\":null}} | {\"a\":{\"b\":\"d\"}}",
        "{\"a\":[{\"b\":\"c\"}]}      | {\"a\":[1]}                      | {\"a\":[1]}",
        "{\"e\":null}                 | {\"a\":1}                        | {\"e\":null,\"a\":1}",
        "{}                           | {\"a\":{\"bb\":{\"ccc\":null}}}  | {\"a\":{\"bb\":{}}}",
    })
    void rfc7396AppendixObjectExamples(String original, String patch, String result) {
        assertThat(MergePatch.apply(json(original), json(patch))).isEqualTo(json(result));
    }

    /**
     * The appendix rows whose documents are not objects ({@code ["a","b"] + ["c","d"]}, {@code {"a":"b"} + ["c"]},
     * {@code [1,2] + {"a":"b","c":null}}) are checked one level down, as the value of a field: a record is
     * always an object. The rows with a top-level {@code null} or {@code "bar"} patch replace the whole document
     * and have no record equivalent.
     */
    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "[\"a\",\"b\"] | [\"c\",\"d\"]                  | [\"c\",\"d\"]",
        "{\"a\":\"b\"} | [\"c\"]                        | [\"c\"]",
        "[1,2]         | {\"a\":\"b\",\"c\":null}       | {\"a\":\"b\"}",
        "{\"a\":\"foo\"} | \"bar\"                      | \"bar\"",
    })
    void rfc7396AppendixNonObjectExamplesAsFieldValues(String original, String patch, String result) {
        Record merged = MergePatch.apply(json("{\"v\":" + original + "}"), json("{\"v\":" + patch + "}"));
        assertThat(merged).isEqualTo(json("{\"v\":" + result + "}"));
    }

    @Test
    void decimalsAreCarriedThroughUnchanged() {
        Record target = json("{\"a\":1e-400,\"b\":{\"c\":18446744073709551617,\"keep\":-9223372036854775809},\"x\":1}");
        Record patch = json("{\"b\":{\"c\":123456789012345678901234567890,\"d\":[1E400,0.5]},\"x\":1.5e-500}");
        assertThat(MergePatch.apply(target, patch).toJson()).isEqualTo("{\"a\":1e-400,"
                + "\"b\":{\"c\":123456789012345678901234567890,\"keep\":-9223372036854775809,\"d\":[1E400,0.5]},"
                + "\"x\":1.5e-500}");
    }

    @Test
    void nullPatchValueAtFieldLevelRemovesTheField() {
        assertThat(MergePatch.apply(json("{\"v\":{\"a\":\"foo\"},\"w\":1}"), json("{\"v\":null}"))).isEqualTo(json("{\"w\":1}"));
    }

    @Test
    void emptyPatchReturnsTheTargetAndForeignDictionariesAreRejected() {
        Record target = json("{\"a\":1}");
        assertThat(MergePatch.apply(target, json("{}"))).isSameAs(target);
        Record foreign = JsonCodec.defaults().parse(FieldDictionary.create(), "{\"a\":2}");
        assertThatThrownBy(() -> MergePatch.apply(target, foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different field dictionaries");
    }
}
