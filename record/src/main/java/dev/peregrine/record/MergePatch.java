package dev.peregrine.record;

/**
 * JSON Merge Patch (RFC 7396) on records: the store folds an entity's payloads with it to reconstruct state.
 *
 * <p>Rules: the patch's fields are applied to the target; a {@code null} patch value removes the key; an object
 * patch value merges recursively into the target's value when that is an object (and into an empty object
 * otherwise, which also strips nulls inside it); any other patch value (string, number, boolean, array)
 * replaces the target's value. Fields of the target the patch does not name are kept unchanged.
 *
 * <p>The RFC also allows a non-object patch document, which replaces the whole target; records are always
 * objects, so that case cannot arise here. {@link #apply} applies one patch; {@link #fold} applies many in a row
 * and encodes the result once ({@link MergePatchFold} says how). Stateless and thread-safe.
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
        return fold(target).apply(patch).result();
    }

    /**
     * A fold starting at {@code target}: {@link MergePatchFold#apply} each patch in order, then
     * {@link MergePatchFold#result()}; the same result as {@link #apply} in a loop, without a record per patch.
     */
    public static MergePatchFold fold(Record target) {
        return new MergePatchFold(target);
    }
}
