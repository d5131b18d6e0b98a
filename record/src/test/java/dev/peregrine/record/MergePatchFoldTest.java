package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MergePatchFold} against a plain implementation of RFC 7396 over {@link JsonModel} values, on seeded
 * random histories: a target and a run of patches over a few shared keys, so that patches overwrite, delete and
 * re-create each other's values at every depth, turn objects into scalars or arrays and back, and patch objects
 * inside the target. Each failure names its seed and shows the history.
 */
class MergePatchFoldTest {

    private static final long SEED = 0x7396_2026L;
    private static final int HISTORIES = 4000;
    private static final String[] KEYS = {"a", "b", "c", "d", "ünï", ""};

    private final FieldDictionary dict = FieldDictionary.create();

    @Test
    void foldEqualsRfc7396AppliedPatchByPatchAndResumesFromAnyIntermediateState() {
        RecordBuilder shared = RecordBuilder.create(dict); // reused by every history, as a projection does
        for (int h = 0; h < HISTORIES; h++) {
            long seed = SEED + h;
            Random random = new Random(seed);
            Map<String, Object> target = randomObject(random, 0, true);
            List<Map<String, Object>> patches = new ArrayList<>();
            for (int n = random.nextInt(h % 10 == 0 ? 200 : 30); patches.size() < n; ) {
                patches.add(randomObject(random, 0, false));
            }
            Object expected = target;
            for (Map<String, Object> patch : patches) {
                expected = rfc7396(expected, patch);
            }
            List<Record> records = patches.stream().map(p -> record(p)).toList();

            MergePatchFold fold = MergePatch.fold(record(target));
            records.forEach(fold::apply);
            String context = "seed " + seed + ": target " + JsonModel.write(target) + ", patches "
                    + patches.stream().map(JsonModel::write).toList();
            assertThat(fold.result()).as(context).isEqualTo(record(expected));
            assertThat(fold.result(shared)).as("%s, with a reused builder", context).isEqualTo(record(expected));

            // A snapshot: the state after a prefix, then the rest folded on top of it, as the store does.
            int split = random.nextInt(records.size() + 1);
            MergePatchFold prefix = MergePatch.fold(record(target));
            records.subList(0, split).forEach(prefix::apply);
            MergePatchFold resumed = MergePatch.fold(prefix.result());
            records.subList(split, records.size()).forEach(resumed::apply);
            assertThat(resumed.result()).as("%s, snapshot after %d patches", context, split)
                    .isEqualTo(record(expected));
        }
    }

    @Test
    void resultCanBeTakenBetweenPatchesAndTheFoldGoesOn() {
        MergePatchFold fold = MergePatch.fold(record(Map.of("a", Map.of("x", 1L))));
        assertThat(fold.apply(record(Map.of("a", Map.of("y", 2L)))).result().toJson()).isEqualTo("{\"a\":{\"x\":1,\"y\":2}}");
        Map<String, Object> delete = new LinkedHashMap<>();
        delete.put("a", null);
        assertThat(fold.apply(record(delete)).result().toJson()).isEqualTo("{}");
    }

    @Test
    void aBuilderOfAnotherDictionaryIsRejected() {
        MergePatchFold fold = MergePatch.fold(record(Map.of("a", 1L))).apply(record(Map.of("b", 2L)));
        assertThatThrownBy(() -> fold.result(RecordBuilder.create(FieldDictionary.create())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dictionary");
    }

    @Test
    void aFoldOfEmptyPatchesIsTheTargetAndForeignDictionariesAreRejected() {
        Record target = record(Map.of("a", 1L));
        assertThat(MergePatch.fold(target).apply(record(Map.of())).result()).isSameAs(target);
        Record foreign = JsonCodec.defaults().parse(FieldDictionary.create(), "{\"a\":2}");
        assertThatThrownBy(() -> MergePatch.fold(target).apply(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different field dictionaries");
    }

    /** RFC 7396 section 2, MergePatch(Target, Patch), over model values. */
    private static Object rfc7396(Object target, Object patch) {
        if (!(patch instanceof Map<?, ?> patchObject)) {
            return patch;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (target instanceof Map<?, ?> targetObject) {
            targetObject.forEach((k, v) -> result.put((String) k, v));
        }
        patchObject.forEach((k, v) -> {
            if (v == null) {
                result.remove((String) k);
            } else {
                result.put((String) k, rfc7396(result.get((String) k), v));
            }
        });
        return result;
    }

    /**
     * An object over {@link #KEYS}: nulls (deletions in a patch, kept values in a target), nested objects up to
     * depth 3, and otherwise {@link JsonModel}'s values (strings, numbers, decimals, booleans, arrays, objects
     * with other keys).
     */
    private static Map<String, Object> randomObject(Random random, int depth, boolean isTarget) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = random.nextInt(depth == 0 ? 5 : 4); i > 0; i--) {
            String key = KEYS[random.nextInt(KEYS.length)];
            int kind = random.nextInt(10);
            Object value;
            if (kind < 2) {
                value = isTarget && random.nextInt(4) != 0 ? 1L : null;
            } else if (kind < 6 && depth < 3) {
                value = randomObject(random, depth + 1, isTarget);
            } else {
                value = JsonModel.randomValue(random, 3);
            }
            map.put(key, value);
        }
        return map;
    }

    private Record record(Object model) {
        return JsonCodec.defaults().parse(dict, JsonModel.write(model));
    }
}
