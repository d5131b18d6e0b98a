package dev.peregrine.store.view.internal;

/**
 * Body layout of a view state file ({@code views/<name>.view}, an
 * {@link dev.peregrine.store.framing.AtomicFile} of format {@link ViewStateFile#FORMAT}, version 3):
 * the view's definition, its checkpoint, its origin, its current rows and its as-of checkpoints. No
 * event is stored: the file's size is O(rows + checkpoints × groups). Offsets are from the start of
 * the body, which follows the file header; all integers little-endian.
 *
 * <pre>
 *  0                               8               12                   12 + d
 *  +-------------------------------+---------------+--------------------+-------------------------+
 *  | checkpoint position (i64)     | definition    | definition JSON    | origin (i64): the first |
 *  |                               | length d (u32)| (UTF-8) ...        | contribution, 0 if none |
 *  +-------------------------------+---------------+--------------------+-------------------------+
 *  then the current rows:
 *    filter view: u32 n, then n × ( position (i64) | one value per select column )
 *    group view:  u32 n, then n × ( one value per key column | row count (i64) | each aggregate's state )
 *  then u32 k as-of checkpoints (0 for a filter view), k × ( position (i64) | a group table as above )
 *  then the file footer.
 *
 *  aggregate state:  count: n (i64)
 *                    sum, avg: small (i64) | big (a value: decimal or null) | doubles (i64)
 *                              | decimals (i64) | numbers (i64)
 *                    min, max, count_distinct: u32 m, then m × ( value | copies (i64) )
 *  value:            tag (u8, TAG_*) and its bytes
 * </pre>
 *
 * <p>The footer's CRC-32C covers every byte of the file before it, so a torn or bit-flipped file is
 * detected before anything is parsed. A view whose file is missing, damaged or of a version this build
 * does not read (versions 1 and 2 among them: they held every event's contribution) is rebuilt from
 * log position 1, so the file needs no repair path or legacy reader of its own.
 */
final class ViewStateLayout {

    static final int CHECKPOINT_OFFSET = 0;
    static final int CHECKPOINT_LENGTH = Long.BYTES;
    static final int DEFINITION_LENGTH_OFFSET = CHECKPOINT_OFFSET + CHECKPOINT_LENGTH;
    static final int DEFINITION_LENGTH_LENGTH = Integer.BYTES;
    static final int DEFINITION_OFFSET = DEFINITION_LENGTH_OFFSET + DEFINITION_LENGTH_LENGTH;

    /** Value tags. */
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
