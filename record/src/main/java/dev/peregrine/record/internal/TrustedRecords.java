package dev.peregrine.record.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.MergePatchFold;
import dev.peregrine.record.Record;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Wraps record bytes <em>without validating them</em>, for the event store reading back its own log:
 * every record was validated (or built valid) before it was appended, and recovery checked every
 * entry's CRC-32C when the store opened, so {@link Record#wrap(FieldDictionary, MemorySegment)} would
 * re-read every byte of every event (UTF-8 of every string included) on every read for nothing.
 *
 * <p>Not public API: {@code module-info} exports this package to {@code dev.peregrine.store} only, so
 * that no application can put unvalidated bytes into a store through a record it wrapped this way.
 * Invalid bytes wrapped here are not detected; reads of them may throw or return wrong values but
 * never touch memory outside the segment (every access is bounds-checked).
 *
 * <p>{@link Record}'s constructor and {@link MergePatchFold}'s fold of encoded bytes are package-private;
 * {@code Record} installs them here when its class is initialised, which the static block below makes
 * sure happens before the first use.
 */
public final class TrustedRecords {

    /** {@link MergePatchFold}'s package-private fold of a record at an offset of a segment. */
    @FunctionalInterface
    public interface PatchApplier {
        /**
         * @param fold the fold
         * @param segment holds the patch
         * @param offset the patch record's first byte in {@code segment}
         */
        void apply(MergePatchFold fold, MemorySegment segment, long offset);
    }

    private static BiFunction<FieldDictionary, MemorySegment, Record> constructor;
    private static PatchApplier patchApplier;

    static {
        try {
            Class.forName(Record.class.getName(), true, Record.class.getClassLoader());
        } catch (ClassNotFoundException impossible) {
            throw new ExceptionInInitializerError(impossible);
        }
    }

    private TrustedRecords() {
    }

    /**
     * Called once by {@link Record}'s static initialiser.
     *
     * @param recordConstructor Record's package-private constructor
     * @param foldApplier MergePatchFold's package-private fold of encoded bytes
     */
    public static void install(BiFunction<FieldDictionary, MemorySegment, Record> recordConstructor,
                               PatchApplier foldApplier) {
        if (constructor != null) {
            throw new IllegalStateException("already installed");
        }
        constructor = Objects.requireNonNull(recordConstructor);
        patchApplier = Objects.requireNonNull(foldApplier);
    }

    /**
     * @param dictionary the dictionary the record was encoded with (or a later, larger one)
     * @param segment exactly the record's bytes, validated before they were stored
     * @return a view of them, unvalidated
     */
    public static Record wrap(FieldDictionary dictionary, MemorySegment segment) {
        return constructor.apply(dictionary, segment);
    }

    /**
     * Folds the record at {@code offset} in {@code segment} into {@code fold} without wrapping it: no
     * {@code Record} and no slice per patch, which is what lets the store reconstruct a state from its
     * mapped log with no allocation per event.
     *
     * @param fold a fold over a target of the dictionary the bytes were encoded with
     * @param segment holds the record (for the store: a whole mapped segment file); referenced by the
     *        fold until its {@link MergePatchFold#result()}, so it must stay readable until then
     * @param offset the record's first byte, validated before it was stored
     */
    public static void foldPatch(MergePatchFold fold, MemorySegment segment, long offset) {
        patchApplier.apply(fold, segment, offset);
    }
}
