package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonOutput} against {@link JsonCodec#toJsonBytes} (jackson-core's generator) byte for byte, on
 * {@link JsonModel}'s seeded random documents (every JSON type, decimals, control characters, surrogate pairs,
 * nesting) and on builder-made values JSON cannot express (BYTES, NaN, infinities). Failures name the seed.
 */
class JsonOutputTest {

    private static final long SEED = 0x0_7F_2026L;
    private static final int DOCUMENTS = 4000;

    private final FieldDictionary dict = FieldDictionary.create();

    @Test
    void recordsRenderAsJacksonRendersThem() {
        JsonOutput out = new JsonOutput(16); // small, so that growth is exercised
        for (int doc = 0; doc < DOCUMENTS; doc++) {
            long seed = SEED + doc;
            Record record = JsonCodec.defaults().parse(dict, JsonModel.write(JsonModel.randomObject(new Random(seed), 0)));
            out.clear().record(record);
            assertThat(latin1(out.toByteArray())).as("seed %d", seed)
                    .isEqualTo(latin1(JsonCodec.defaults().toJsonBytes(record)));
        }
    }

    @Test
    void valuesOnlyTheBuilderMakesRenderAsJacksonRendersThem() {
        Record record = RecordBuilder.create(dict).put("b", new byte[] {0, 1, 2, (byte) 0xFF}).put("e", new byte[0])
                .put("nan", Double.NaN).put("inf", Double.POSITIVE_INFINITY).put("-inf", Double.NEGATIVE_INFINITY)
                .put("min", Long.MIN_VALUE).put("max", Long.MAX_VALUE).put("neg0", -0.0)
                .beginArray("a").add(Double.NaN).add(Long.MIN_VALUE).endArray().build();
        assertThat(latin1(new JsonOutput(8).record(record).toByteArray()))
                .isEqualTo(latin1(JsonCodec.defaults().toJsonBytes(record)));
    }

    @Test
    void theFieldNameCacheFollowsTheDictionary() {
        FieldDictionary other = FieldDictionary.create();
        other.intern("second");                     // so that "first" gets another id here than in dict
        Record a = JsonCodec.defaults().parse(dict, "{\"first\":1}");
        Record b = JsonCodec.defaults().parse(other, "{\"first\":2}");
        JsonOutput out = new JsonOutput(8);
        out.record(a).raw(',').record(b).raw(',').record(a);
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("{\"first\":1},{\"first\":2},{\"first\":1}");
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
