package dev.peregrine.record;

/**
 * Limits applied while parsing JSON into a record, each exceeded with an {@link InvalidJsonException} that
 * names it. Defaults ({@link #DEFAULTS}): nesting depth {@value #DEFAULT_MAX_DEPTH} (the top-level object is
 * depth 1), {@value #DEFAULT_MAX_FIELDS_PER_OBJECT} fields per object, {@value #DEFAULT_MAX_ARRAY_LENGTH}
 * elements per array, {@value #DEFAULT_MAX_RECORD_BYTES} bytes of encoded record, field names of at most
 * {@value #DEFAULT_MAX_NAME_BYTES} UTF-8 bytes. The format itself caps fields and elements at 65535, names at
 * 65535 bytes and depth at 256.
 *
 * @param maxDepth deepest nesting of objects and arrays, 1..256
 * @param maxFieldsPerObject most fields in one object, 1..65535
 * @param maxArrayLength most elements in one array, 0..65535
 * @param maxRecordBytes largest encoded record, at least 8
 * @param maxNameBytes longest field name in UTF-8 bytes, 1..65535
 */
public record JsonLimits(int maxDepth, int maxFieldsPerObject, int maxArrayLength, int maxRecordBytes,
        int maxNameBytes) {

    /** Default nesting depth. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** Default fields per object. */
    public static final int DEFAULT_MAX_FIELDS_PER_OBJECT = 1024;
    /** Default elements per array. */
    public static final int DEFAULT_MAX_ARRAY_LENGTH = 65535;
    /** Default encoded record size: 1 MiB. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
    /** Default longest field name. */
    public static final int DEFAULT_MAX_NAME_BYTES = 1024;

    /** The defaults listed above. */
    public static final JsonLimits DEFAULTS = new JsonLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_FIELDS_PER_OBJECT,
            DEFAULT_MAX_ARRAY_LENGTH, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_NAME_BYTES);

    /** Checks every limit against the format's own caps. */
    public JsonLimits {
        check("maxDepth", maxDepth, 1, RecordLayout.MAX_DEPTH);
        check("maxFieldsPerObject", maxFieldsPerObject, 1, RecordLayout.MAX_ENTRIES);
        check("maxArrayLength", maxArrayLength, 0, RecordLayout.MAX_ENTRIES);
        check("maxRecordBytes", maxRecordBytes, RecordLayout.HEADER_LENGTH, RecordLayout.MAX_LENGTH);
        check("maxNameBytes", maxNameBytes, 1, FieldDictionaryLayout.MAX_NAME_BYTES);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be within " + min + ".." + max + ", got " + value);
        }
    }

    /** A copy with another nesting depth. */
    public JsonLimits withMaxDepth(int value) {
        return new JsonLimits(value, maxFieldsPerObject, maxArrayLength, maxRecordBytes, maxNameBytes);
    }

    /** A copy with another fields-per-object limit. */
    public JsonLimits withMaxFieldsPerObject(int value) {
        return new JsonLimits(maxDepth, value, maxArrayLength, maxRecordBytes, maxNameBytes);
    }

    /** A copy with another elements-per-array limit. */
    public JsonLimits withMaxArrayLength(int value) {
        return new JsonLimits(maxDepth, maxFieldsPerObject, value, maxRecordBytes, maxNameBytes);
    }

    /** A copy with another record size limit. */
    public JsonLimits withMaxRecordBytes(int value) {
        return new JsonLimits(maxDepth, maxFieldsPerObject, maxArrayLength, value, maxNameBytes);
    }

    /** A copy with another field name length limit. */
    public JsonLimits withMaxNameBytes(int value) {
        return new JsonLimits(maxDepth, maxFieldsPerObject, maxArrayLength, maxRecordBytes, value);
    }
}
