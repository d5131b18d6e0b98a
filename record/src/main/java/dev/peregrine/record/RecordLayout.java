package dev.peregrine.record;

/**
 * Byte layout of an encoded object (a record) and of an encoded array, format version {@value #FORMAT_VERSION}.
 * Every integer is little-endian. Objects and arrays share one shape, so a nested object is itself a complete
 * record that can be wrapped and read without copying, and an array is the same table without field ids.
 *
 * <pre>
 *  byte 0       1       2               4                               8
 *       +-------+-------+---------------+-------------------------------+
 *       |version| kind  |  entry count  |  total length (header..end)   |  header, 8 bytes
 *       +-------+-------+---------------+-------------------------------+
 *       |  field id (u24, LE)   |  tag  |  value offset (u32)           |  entry 0, 8 bytes
 *       +-----------------------+-------+-------------------------------+
 *       |  ...                                                          |  entry count-1
 *       +---------------------------------------------------------------+
 *       |  value bytes of entry 0, entry 1, ... back to back, no gaps   |
 *       +---------------------------------------------------------------+
 * </pre>
 *
 * <ul>
 *   <li>{@code version}: {@value #FORMAT_VERSION}. Readers reject any other value, so a later version can change
 *       everything after this byte.</li>
 *   <li>{@code kind}: {@value #KIND_OBJECT} for an object, {@value #KIND_ARRAY} for an array.</li>
 *   <li>{@code entry count}: number of fields (object) or elements (array), at most {@value #MAX_ENTRIES}.</li>
 *   <li>{@code total length}: bytes from the first header byte to the end of the last value.</li>
 *   <li>entry key: the low 24 bits are the field id from the {@link FieldDictionary} (zero in arrays); the high
 *       byte is the type tag. Object entries are sorted by strictly increasing field id, which is what makes
 *       lookup a search and the encoding canonical (equal content, equal bytes).</li>
 *   <li>{@code value offset}: where the value starts, counted from the first header byte of this object. A
 *       value ends where the next entry's value starts, or at {@code total length} for the last entry: lengths are
 *       not stored, which keeps a 4-field event within 64 bytes.</li>
 * </ul>
 *
 * <p>Values by tag: {@code NULL}, {@code FALSE}, {@code TRUE} take 0 bytes (the tag is the value, so a boolean
 * can be flipped in place); {@code I64} and {@code F64} take 8 bytes (two's complement, IEEE 754 bits);
 * {@code STRING} is well-formed UTF-8; {@code BYTES} is raw; {@code OBJECT} and {@code ARRAY} are nested
 * encodings of this same layout whose {@code total length} equals the value's length; {@code DECIMAL} is the
 * ASCII text of a JSON number (RFC 8259 grammar, exponent within {@link JsonNumbers#MAX_EXPONENT}) that is
 * neither an I64 nor exactly an F64, exactly as it was given (see {@link JsonNumbers}).
 */
final class RecordLayout {

    /** The only format version this code writes and reads. */
    static final int FORMAT_VERSION = 1;
    /** {@code kind} byte of an object. */
    static final int KIND_OBJECT = 0;
    /** {@code kind} byte of an array. */
    static final int KIND_ARRAY = 1;

    static final int VERSION_OFFSET = 0;
    static final int VERSION_LENGTH = 1;
    static final int KIND_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    static final int KIND_LENGTH = 1;
    static final int COUNT_OFFSET = KIND_OFFSET + KIND_LENGTH;
    static final int COUNT_LENGTH = 2;
    static final int LENGTH_OFFSET = COUNT_OFFSET + COUNT_LENGTH;
    static final int LENGTH_LENGTH = 4;
    /** Bytes before the first entry. */
    static final int HEADER_LENGTH = LENGTH_OFFSET + LENGTH_LENGTH;

    /** Offset of the entry key (id and tag) within an entry. */
    static final int ENTRY_KEY_OFFSET = 0;
    static final int ENTRY_KEY_LENGTH = 4;
    /** Offset of the tag byte within an entry: the high byte of the little-endian key. */
    static final int ENTRY_TAG_OFFSET = ENTRY_KEY_OFFSET + 3;
    static final int ENTRY_TAG_LENGTH = 1;
    static final int ENTRY_VALUE_OFFSET_OFFSET = ENTRY_KEY_OFFSET + ENTRY_KEY_LENGTH;
    static final int ENTRY_VALUE_OFFSET_LENGTH = 4;
    /** Bytes per entry. */
    static final int ENTRY_LENGTH = ENTRY_VALUE_OFFSET_OFFSET + ENTRY_VALUE_OFFSET_LENGTH;

    /** Mask of the field id bits in an entry key. */
    static final int ID_MASK = 0x00FF_FFFF;
    /** Shift of the tag within an entry key. */
    static final int TAG_SHIFT = 24;
    /** Largest field id an entry can hold. */
    static final int MAX_FIELD_ID = ID_MASK;
    /** Largest number of fields per object or elements per array ({@code entry count} is a u16). */
    static final int MAX_ENTRIES = 0xFFFF;
    /** Largest encoded size: offsets are u32, but Java arrays stop below 2^31. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 16;
    /** Deepest nesting a reader accepts, so validation cannot overflow the stack. */
    static final int MAX_DEPTH = 256;

    static final int TAG_NULL = 1;
    static final int TAG_FALSE = 2;
    static final int TAG_TRUE = 3;
    static final int TAG_I64 = 4;
    static final int TAG_F64 = 5;
    static final int TAG_STRING = 6;
    static final int TAG_BYTES = 7;
    static final int TAG_OBJECT = 8;
    static final int TAG_ARRAY = 9;
    /** A JSON number kept as its text; added in format version 1 without changing any other tag. */
    static final int TAG_DECIMAL = 10;
    /** Largest valid tag; 0 and anything above this are corrupt. */
    static final int MAX_TAG = TAG_DECIMAL;

    private RecordLayout() {
    }

    /** Offset of entry {@code index} from the start of its object or array. */
    static int entryOffset(int index) {
        return HEADER_LENGTH + index * ENTRY_LENGTH;
    }

    /** Offset of the first value byte in an object or array of {@code count} entries: values follow the last entry. */
    static int dataOffset(int count) {
        return entryOffset(count);
    }

    /** Entry key holding {@code id} and {@code tag}. */
    static int key(int id, int tag) {
        return (tag << TAG_SHIFT) | id;
    }

    /** Fixed value length of a tag, or -1 when the length varies. */
    static int fixedLength(int tag) {
        return switch (tag) {
            case TAG_NULL, TAG_FALSE, TAG_TRUE -> 0;
            case TAG_I64, TAG_F64 -> 8;
            default -> -1;
        };
    }
}
