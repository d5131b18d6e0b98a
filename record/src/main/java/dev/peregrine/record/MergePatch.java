package dev.peregrine.record;

import java.lang.foreign.MemorySegment;

/**
 * JSON Merge Patch (RFC 7396) on records: the store folds an entity's payloads with it to reconstruct state.
 *
 * <p>Rules: the patch's fields are applied to the target; a {@code null} patch value removes the key; an object
 * patch value merges recursively into the target's value when that is an object (and into an empty object
 * otherwise, which also strips nulls inside it); any other patch value (string, number, boolean, array)
 * replaces the target's value. Fields of the target the patch does not name are kept unchanged.
 *
 * <p>The RFC also allows a non-object patch document, which replaces the whole target; records are always
 * objects, so that case cannot arise here. Both records walk their sorted entry tables side by side and
 * unchanged values are copied as raw bytes, so a merge costs one pass over both. Stateless and thread-safe.
 */
public final class MergePatch {

    private MergePatch() {
    }

    /**
     * The result of applying {@code patch} to {@code target} (neither is modified).
     *
     * @throws IllegalArgumentException when the two records use different dictionaries
     */
    public static Record apply(Record target, Record patch) {
        FieldDictionary dictionary = target.dictionary();
        if (patch.dictionary() != dictionary) {
            throw new IllegalArgumentException("target and patch use different field dictionaries");
        }
        if (patch.fieldCount() == 0) {
            return target;
        }
        RecordBuilder builder = RecordBuilder.create(dictionary);
        merge(builder, target.segment(), 0, patch.segment(), 0);
        return builder.build();
    }

    /**
     * Emits into the builder's open object the merge of the object at {@code targetBase} in {@code target}
     * (none when {@code target} is null) with the object at {@code patchBase} in {@code patch}.
     */
    private static void merge(RecordBuilder builder, MemorySegment target, long targetBase, MemorySegment patch,
            long patchBase) {
        int targetCount = target == null ? 0 : RecordReader.count(target, targetBase);
        int patchCount = RecordReader.count(patch, patchBase);
        int i = 0;
        int j = 0;
        while (i < targetCount || j < patchCount) {
            int targetId = i < targetCount ? RecordReader.id(target, targetBase, i) : Integer.MAX_VALUE;
            int patchId = j < patchCount ? RecordReader.id(patch, patchBase, j) : Integer.MAX_VALUE;
            if (targetId < patchId) {
                builder.putEncoded(targetId, target, targetBase, targetCount, i++);
                continue;
            }
            int patchTag = RecordReader.tag(patch, patchBase, j);
            if (patchTag == RecordLayout.TAG_OBJECT) {
                boolean targetIsObject = targetId == patchId
                        && RecordReader.tag(target, targetBase, i) == RecordLayout.TAG_OBJECT;
                builder.begin(patchId, false);
                merge(builder, targetIsObject ? target : null,
                        targetIsObject ? RecordReader.valueStart(target, targetBase, i) : 0,
                        patch, RecordReader.valueStart(patch, patchBase, j));
                builder.close(false);
            } else if (patchTag != RecordLayout.TAG_NULL) {
                builder.putEncoded(patchId, patch, patchBase, patchCount, j);
            }
            if (targetId == patchId) {
                i++;
            }
            j++;
        }
    }
}
