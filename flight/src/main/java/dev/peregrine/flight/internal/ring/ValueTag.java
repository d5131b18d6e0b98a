package dev.peregrine.flight.internal.ring;

/**
 * Tag bytes of typed values, shared by ring slots and snapshot files.
 *
 * <pre>
 *   tag        ring payload                                 file payload
 *   LONG       8 bytes LE                                   zigzag varint
 *   DOUBLE     8 bytes LE (IEEE 754 bits)                   8 bytes LE
 *   TRUE       -                                            -
 *   FALSE      -                                            -
 *   STRING     u16 LE byte length, UTF-8 bytes              varint length, UTF-8 bytes
 *   THROWABLE  i32 LE class-name id, u16 LE length, UTF-8   varint class-name ref, varint length, UTF-8
 *   NULL       -                                            -
 * </pre>
 */
public final class ValueTag {
    public static final byte LONG = 1;
    public static final byte DOUBLE = 2;
    public static final byte TRUE = 3;
    public static final byte FALSE = 4;
    public static final byte STRING = 5;
    public static final byte THROWABLE = 6;
    public static final byte NULL = 7;

    /** Payload length of a string or throwable message with no room left. */
    public static final int MAX_RING_STRING_BYTES = 0xFFFF;

    private ValueTag() {
    }

    /** Whether {@code tag} is one of the tags above. */
    public static boolean isValid(int tag) {
        return tag >= LONG && tag <= NULL;
    }
}
