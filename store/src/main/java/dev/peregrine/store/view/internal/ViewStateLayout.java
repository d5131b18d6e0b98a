package dev.peregrine.store.view.internal;

/**
 * Layout of a view state file ({@code views/<name>.view}): the view's definition, its checkpoint and
 * its input trace (every contribution, live or retracted), from which the view's rows are folded on
 * load. All integers little-endian.
 *
 * <pre>
 *  0               4       6       8                               16
 *  +---------------+-------+-------+-------------------------------+
 *  | magic 'PVWS'  | ver   | flags | checkpoint position (i64)     |
 *  +---------------+-------+-------+-------------------------------+
 *  16              24              28
 *  +---------------+---------------+-------------------------------+
 *  | contributions | definition    | definition JSON (UTF-8) ...   |
 *  | count (i64)   | length (u32)  |                               |
 *  +---------------+---------------+-------------------------------+
 *  then `count` contributions:
 *  +-----------+--------------+-----------+---------+------------+---------------------+
 *  | position  | retracted at | entity id | entity  | tuple size | values: tag (u8) +  |
 *  | (i64)     | (i64)        | len (u32) | UTF-8   | (u16)      | body, see TAG_*     |
 *  +-----------+--------------+-----------+---------+------------+---------------------+
 *  then the footer:
 *  +-------------------+
 *  | CRC-32C (u32)     |
 *  +-------------------+
 * </pre>
 *
 * <p>The CRC-32C covers every byte before the footer (header, definition and contributions), so a
 * torn or bit-flipped file is detected before anything is parsed. The file is written to a temporary
 * name, forced, then renamed over the old one: a crash leaves the old file or the new one, never a mix.
 * A view whose file is missing or damaged is rebuilt from log position 1, so the file needs no
 * repair path of its own.
 */
final class ViewStateLayout {

    /** {@code 'PVWS'} read as a little-endian int. */
    static final int MAGIC = 'P' | 'V' << 8 | 'W' << 16 | 'S' << 24;
    /** The format version this code writes and reads. */
    static final short VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int MAGIC_LENGTH = Integer.BYTES;
    static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    static final int VERSION_LENGTH = Short.BYTES;
    static final int FLAGS_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    static final int FLAGS_LENGTH = Short.BYTES;
    static final int CHECKPOINT_OFFSET = FLAGS_OFFSET + FLAGS_LENGTH;
    static final int CHECKPOINT_LENGTH = Long.BYTES;
    static final int COUNT_OFFSET = CHECKPOINT_OFFSET + CHECKPOINT_LENGTH;
    static final int COUNT_LENGTH = Long.BYTES;
    static final int DEFINITION_LENGTH_OFFSET = COUNT_OFFSET + COUNT_LENGTH;
    static final int DEFINITION_LENGTH_LENGTH = Integer.BYTES;
    static final int DEFINITION_OFFSET = DEFINITION_LENGTH_OFFSET + DEFINITION_LENGTH_LENGTH;

    static final int FOOTER_LENGTH = Integer.BYTES;

    /** Value tags in a contribution's tuple. */
    static final byte TAG_NULL = 0;
    static final byte TAG_FALSE = 1;
    static final byte TAG_TRUE = 2;
    /** Followed by an i64. */
    static final byte TAG_LONG = 3;
    /** Followed by the double's IEEE 754 bits as an i64. */
    static final byte TAG_DOUBLE = 4;
    /** Followed by a u32 byte length and UTF-8 bytes. */
    static final byte TAG_STRING = 5;
    /**
     * A decimal (a payload DECIMAL or an aggregate over one), followed by a u32 byte length and the
     * ASCII of its canonical {@link java.math.BigDecimal#toString()}, which parses back to the same
     * value and scale. Added without a version change: files without decimals are unchanged, and a
     * reader that predates the tag reports a file with one as damaged, so the view is rebuilt.
     */
    static final byte TAG_DECIMAL = 6;

    private ViewStateLayout() {}
}
