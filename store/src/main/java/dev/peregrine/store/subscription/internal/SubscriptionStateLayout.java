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
 *  then the file footer.
 * </pre>
 *
 * <p>The file is replaced atomically on each acknowledgement that moves the position and on each
 * parking change, so after a crash it holds one complete state.
 *
 * <p><b>Version 1</b>, the previous release's layout, is read (the position and parked events are not
 * derived from the log: losing them would redeliver or skip events) and replaced by version 2 at the
 * next write. It had no common header: {@code magic 'PSUB' (u32), version 1 (u16)}, then the body above,
 * then a CRC-32C (u32) of every byte before it.
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
