package dev.peregrine.record;

/** The type of a field's value in a {@link Record}. */
public enum FieldType {
    /** JSON {@code null}. */
    NULL,
    /** {@code true} or {@code false}. */
    BOOL,
    /** A signed 64-bit integer. Timestamps are stored as I64 (for example epoch microseconds). */
    I64,
    /** An IEEE 754 double. */
    F64,
    /** A UTF-8 string. */
    STRING,
    /** Raw bytes (written to JSON as base64). */
    BYTES,
    /** A nested record. */
    OBJECT,
    /** An array of values of any types. */
    ARRAY,
    /**
     * A number that fits neither I64 nor F64 exactly ({@code 18446744073709551617}, {@code 1e-400}), kept as its
     * exact JSON text and read as a {@link java.math.BigDecimal}; see {@link JsonNumbers} for the rule.
     */
    DECIMAL;

    private static final FieldType[] BY_TAG = {
        null, NULL, BOOL, BOOL, I64, F64, STRING, BYTES, OBJECT, ARRAY, DECIMAL
    };

    /** The type of a validated tag. */
    static FieldType ofTag(int tag) {
        return BY_TAG[tag];
    }
}
