package dev.peregrine.record.internal;

import dev.peregrine.record.FieldDictionary;
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
 * <p>{@link Record}'s constructor is package-private; {@code Record} installs it here when its class
 * is initialised, which the static block below makes sure happens before the first use.
 */
public final class TrustedRecords {

    private static BiFunction<FieldDictionary, MemorySegment, Record> constructor;

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
     */
    public static void install(BiFunction<FieldDictionary, MemorySegment, Record> recordConstructor) {
        if (constructor != null) {
            throw new IllegalStateException("already installed");
        }
        constructor = Objects.requireNonNull(recordConstructor);
    }

    /**
     * @param dictionary the dictionary the record was encoded with (or a later, larger one)
     * @param segment exactly the record's bytes, validated before they were stored
     * @return a view of them, unvalidated
     */
    public static Record wrap(FieldDictionary dictionary, MemorySegment segment) {
        return constructor.apply(dictionary, segment);
    }
}
