package dev.peregrine.store.subscription.internal;

/**
 * Layout of a subscription checkpoint file ({@code subscriptions/<name>.sub} for a durable
 * subscription, {@code subscriptions/<name>.group} for a consumer group). Little-endian.
 *
 * <pre>
 *  0               4       6       8                               16              20
 *  +---------------+-------+-------+-------------------------------+---------------+
 *  | magic 'PSUB'  | ver   | kind  | acknowledged position (i64)   | parked count  |
 *  |               | (u16) | (u16) |                               | (u32)         |
 *  +---------------+-------+-------+-------------------------------+---------------+
 *  then `parked count` entries (groups only):
 *  +-----------+-----------+--------------------+--------------------+--------------------+
 *  | position  | attempts  | entity id          | event type         | reason             |
 *  | (i64)     | (u32)     | u32 length + UTF-8 | u32 length + UTF-8 | u32 length + UTF-8 |
 *  +-----------+-----------+--------------------+--------------------+--------------------+
 *  then the footer:
 *  +-------------------+
 *  | CRC-32C (u32)     |
 *  +-------------------+
 * </pre>
 *
 * <p>The CRC-32C covers every byte before the footer. The file is replaced atomically
 * ({@link dev.peregrine.store.feed.internal.AtomicFile}) on each acknowledgement that moves the
 * position and on each parking change, so after a crash it holds one complete state.
 */
final class SubscriptionStateLayout {

    /** {@code 'PSUB'} read as a little-endian int. */
    static final int MAGIC = 'P' | 'S' << 8 | 'U' << 16 | 'B' << 24;
    static final short VERSION = 1;
    static final short KIND_DURABLE = 1;
    static final short KIND_GROUP = 2;

    static final int MAGIC_OFFSET = 0;
    static final int MAGIC_LENGTH = Integer.BYTES;
    static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    static final int VERSION_LENGTH = Short.BYTES;
    static final int KIND_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    static final int KIND_LENGTH = Short.BYTES;
    static final int POSITION_OFFSET = KIND_OFFSET + KIND_LENGTH;
    static final int POSITION_LENGTH = Long.BYTES;
    static final int PARKED_COUNT_OFFSET = POSITION_OFFSET + POSITION_LENGTH;
    static final int PARKED_COUNT_LENGTH = Integer.BYTES;
    static final int PARKED_OFFSET = PARKED_COUNT_OFFSET + PARKED_COUNT_LENGTH;

    static final int FOOTER_LENGTH = Integer.BYTES;

    private SubscriptionStateLayout() {}
}
