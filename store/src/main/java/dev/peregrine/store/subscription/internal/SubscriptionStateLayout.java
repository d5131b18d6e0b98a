package dev.peregrine.store.subscription.internal;

/**
 * Body layout of a subscription checkpoint file ({@code subscriptions/<name>.sub} for a durable
 * subscription, {@code subscriptions/<name>.group} for a consumer group): an
 * {@link dev.peregrine.store.framing.AtomicFile} of format {@link SubscriptionStateFile#FORMAT}.
 * Offsets are from the start of the body, which follows the file header; little-endian.
 *
 * <pre>
 *  0       2                               10              14
 *  +-------+-------------------------------+---------------+
 *  | kind  | acknowledged position (i64)   | parked count  |
 *  | (u16) |                               | (u32)         |
 *  +-------+-------------------------------+---------------+
 *  then `parked count` entries (groups only):
 *  +-----------+-----------+--------------------+--------------------+--------------------+
 *  | position  | attempts  | entity id          | event type         | reason             |
 *  | (i64)     | (u32)     | u32 length + UTF-8 | u32 length + UTF-8 | u32 length + UTF-8 |
 *  +-----------+-----------+--------------------+--------------------+--------------------+
 *  then, in version 3 and for a group only, its options:
 *  +--------+----------+---------------+-------------+----------+-------------+
 *  | start  | max      | ack timeout   | max in      | strategy | max members |
 *  | (i64)  | attempts | nanoseconds   | flight      | (u8)     | (u32)       |
 *  |        | (u32)    | (i64)         | (u32)       |          |             |
 *  +--------+----------+---------------+-------------+----------+-------------+
 *  +------------------+------------------+------------------+---------------------+
 *  | has entity (u8)  | has tenant (u8)  | event type count | event types         |
 *  | + entity string  | + tenant string  | (u32)            | u32 length + UTF-8  |
 *  +------------------+------------------+------------------+---------------------+
 *  then the file footer.
 * </pre>
 *
 * <p>{@code start} is 0 for "after the end of the log at creation" and the position otherwise (the
 * checkpoint was set from it when the group was created); {@code strategy} is one of the
 * {@code STRATEGY_*} codes; an absent entity or tenant (flag 0) has no string after its flag.
 *
 * <p>The file is replaced atomically on each acknowledgement that moves the position, each parking
 * change and each change of a group's options, so after a crash it holds one complete state.
 *
 * <p><b>Version 2</b>, this framing without the options block, is read; a group read from it takes the
 * options it is opened with and is rewritten as version 3 at once. <b>Version 1</b>, the layout before
 * this framing, is read too (the position and parked events are not derived from the log: losing them
 * would redeliver or skip events). It had no common header: {@code magic 'PSUB' (u32), version 1
 * (u16)}, then the body of version 2, then a CRC-32C (u32) of every byte before it.
 */
final class SubscriptionStateLayout {

    static final short KIND_DURABLE = 1;
    static final short KIND_GROUP = 2;

    static final int KIND_OFFSET = 0;
    static final int KIND_LENGTH = Short.BYTES;
    static final int POSITION_OFFSET = KIND_OFFSET + KIND_LENGTH;
    static final int POSITION_LENGTH = Long.BYTES;
    static final int PARKED_COUNT_OFFSET = POSITION_OFFSET + POSITION_LENGTH;
    static final int PARKED_COUNT_LENGTH = Integer.BYTES;
    static final int PARKED_OFFSET = PARKED_COUNT_OFFSET + PARKED_COUNT_LENGTH;

    /** The fewest bytes a parked entry takes: position, attempts and three empty strings. */
    static final int PARKED_MIN_LENGTH = Long.BYTES + Integer.BYTES + 3 * Integer.BYTES;

    /** The first version whose group files carry the options block. */
    static final int OPTIONS_VERSION = 3;

    /** The first version whose options block ends with the filter's prefixes and regular expressions. */
    static final int MATCH_VERSION = 4;

    /** {@code start} of a group created to start after the end of the log. */
    static final long START_NOW = 0;

    static final byte STRATEGY_ROUND_ROBIN = 0;
    static final byte STRATEGY_DISPATCH_TO_SINGLE = 1;
    static final byte STRATEGY_PINNED = 2;

    /** Version 1: {@code 'PSUB'} read as a little-endian int. */
    static final String LEGACY_MAGIC = "PSUB";
    static final int LEGACY_MAGIC_LENGTH = Integer.BYTES;
    static final int LEGACY_VERSION_OFFSET = LEGACY_MAGIC_LENGTH;
    static final int LEGACY_VERSION_LENGTH = Short.BYTES;
    /** Version 1's body (the layout above) starts here. */
    static final int LEGACY_BODY_OFFSET = LEGACY_VERSION_OFFSET + LEGACY_VERSION_LENGTH;
    static final int LEGACY_FOOTER_LENGTH = Integer.BYTES;

    private SubscriptionStateLayout() {}
}
