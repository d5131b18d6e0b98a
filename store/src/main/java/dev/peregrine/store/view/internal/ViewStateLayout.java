package dev.peregrine.store.view.internal;

/**
 * Body layout of a view state file ({@code views/<name>.view}, an
 * {@link dev.peregrine.store.framing.AtomicFile} of format {@link ViewStateFile#FORMAT}): the view's
 * definition, its checkpoint and its input trace (every contribution, live or retracted), from which
 * the view's rows are folded on load. Offsets are from the start of the body, which follows the file
 * header; all integers little-endian.
 *
 * <pre>
 *  0                               8                               16              20
 *  +-------------------------------+-------------------------------+---------------+--------------------+
 *  | checkpoint position (i64)     | contributions count (i64)     | definition    | definition JSON    |
 *  |                               |                               | length (u32)  | (UTF-8) ...        |
 *  +-------------------------------+-------------------------------+---------------+--------------------+
 *  then `count` contributions:
 *  +-----------+--------------+-----------+---------+------------+---------------------+
 *  | position  | retracted at | entity id | entity  | tuple size | values: tag (u8) +  |
 *  | (i64)     | (i64)        | len (u32) | UTF-8   | (u16)      | body, see TAG_*     |
 *  +-----------+--------------+-----------+---------+------------+---------------------+
 *  then the file footer.
 * </pre>
 *
 * <p>The footer's CRC-32C covers every byte of the file before it, so a torn or bit-flipped file is
 * detected before anything is parsed. A view whose file is missing, damaged or of a version this build
 * does not read (the previous release's among them) is rebuilt from log position 1, so the file needs
 * no repair path or legacy reader of its own.
 */
final class ViewStateLayout {

    static final int CHECKPOINT_OFFSET = 0;
    static final int CHECKPOINT_LENGTH = Long.BYTES;
    static final int COUNT_OFFSET = CHECKPOINT_OFFSET + CHECKPOINT_LENGTH;
    static final int COUNT_LENGTH = Long.BYTES;
    static final int DEFINITION_LENGTH_OFFSET = COUNT_OFFSET + COUNT_LENGTH;
    static final int DEFINITION_LENGTH_LENGTH = Integer.BYTES;
    static final int DEFINITION_OFFSET = DEFINITION_LENGTH_OFFSET + DEFINITION_LENGTH_LENGTH;

    /** The fewest bytes a contribution takes: position, retracted at, an empty entity id, an empty tuple. */
    static final int CONTRIBUTION_MIN_LENGTH = Long.BYTES + Long.BYTES + Integer.BYTES + Short.BYTES;

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
     * value and scale.
     */
    static final byte TAG_DECIMAL = 6;

    private ViewStateLayout() {}
}
