package dev.peregrine.record;

/**
 * Serialized form of a {@link FieldDictionary}, format version {@value #FORMAT_VERSION}. Little-endian.
 *
 * <pre>
 *  byte 0       1                               5
 *       +-------+-------------------------------+
 *       |version|  name count (u32)             |                 header, 5 bytes
 *       +-------+-------+-----------------------+
 *       | length (u16)  | UTF-8 bytes of name 0 ...             |  one per name, in id order
 *       +---------------+---------------------------------------+
 *       | length (u16)  | UTF-8 bytes of name 1 ...             |
 *       +---------------+---------------------------------------+
 * </pre>
 *
 * <p>A name's id is its position. There is no checksum here: the dictionary is persisted inside files that
 * carry their own (the store's), and a blob that does not parse exactly is rejected as a whole.
 */
final class FieldDictionaryLayout {

    static final int FORMAT_VERSION = 1;

    static final int VERSION_OFFSET = 0;
    static final int VERSION_LENGTH = 1;
    static final int COUNT_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    static final int COUNT_LENGTH = 4;
    static final int HEADER_LENGTH = COUNT_OFFSET + COUNT_LENGTH;

    /** Offset of the length prefix within one name entry. */
    static final int NAME_LENGTH_OFFSET = 0;
    static final int NAME_LENGTH_LENGTH = 2;
    static final int NAME_BYTES_OFFSET = NAME_LENGTH_OFFSET + NAME_LENGTH_LENGTH;

    /** Longest name in UTF-8 bytes (the u16 length prefix). */
    static final int MAX_NAME_BYTES = 0xFFFF;

    private FieldDictionaryLayout() {
    }
}
