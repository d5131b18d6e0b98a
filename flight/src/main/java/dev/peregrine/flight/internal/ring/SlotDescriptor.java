package dev.peregrine.flight.internal.ring;

/**
 * Layout of one ring slot. Every slot has the same size, a power of two between
 * {@link #MIN_SLOT_BYTES} and {@link #MAX_SLOT_BYTES}; slot {@code i} starts at
 * {@code i << slotShift}. All multi-byte values are little-endian.
 *
 * <pre>
 *   0                   8                   16                  24        28        32        36 37 38 39 40    42          48
 *   +-------------------+-------------------+-------------------+---------+---------+---------+--+--+--+--+-----+-----------+
 *   | sequence word     | timestamp (ns)    | thread id         | thread  | target  | template|lv|fl|ac|fc| len | reserved  |
 *   |                   | since epoch       |                   | name id | id      | id      |  |  |  |  |     |           |
 *   +-------------------+-------------------+-------------------+---------+---------+---------+--+--+--+--+-----+-----------+
 *   48 .. slotBytes: data: argCount values, then fieldCount (key id, value) pairs; len bytes are used.
 * </pre>
 *
 * <p>The sequence word is the slot's seqlock:
 * <ul>
 *   <li>{@code 0}: never written;</li>
 *   <li>{@code 2s + 1} (odd): the producer that claimed sequence {@code s} is writing;</li>
 *   <li>{@code 2s + 2} (even, non-zero): the event of sequence {@code s} is complete.</li>
 * </ul>
 * A reader accepts a slot only if it read the same committed word before and after copying the
 * bytes. A value is written as a tag byte ({@link ValueTag}) and its payload; a field is its key's
 * interned id (4 bytes) followed by a value.
 */
public final class SlotDescriptor {

    /** Seqlock word, see the class comment. */
    public static final int SEQUENCE_OFFSET = 0;
    public static final int SEQUENCE_LENGTH = Long.BYTES;
    /** Wall-clock timestamp in nanoseconds since the Unix epoch. */
    public static final int TIMESTAMP_OFFSET = SEQUENCE_OFFSET + SEQUENCE_LENGTH;
    public static final int TIMESTAMP_LENGTH = Long.BYTES;
    /** {@code Thread.threadId()} of the producer. */
    public static final int THREAD_ID_OFFSET = TIMESTAMP_OFFSET + TIMESTAMP_LENGTH;
    public static final int THREAD_ID_LENGTH = Long.BYTES;
    /** Interned id of the producer thread's name. */
    public static final int THREAD_NAME_OFFSET = THREAD_ID_OFFSET + THREAD_ID_LENGTH;
    public static final int THREAD_NAME_LENGTH = Integer.BYTES;
    /** Interned id of the target (logger name). */
    public static final int TARGET_OFFSET = THREAD_NAME_OFFSET + THREAD_NAME_LENGTH;
    public static final int TARGET_LENGTH = Integer.BYTES;
    /** Interned id of the message template, or {@link #INLINE_TEMPLATE} when the template is the first data value. */
    public static final int TEMPLATE_OFFSET = TARGET_OFFSET + TARGET_LENGTH;
    public static final int TEMPLATE_LENGTH = Integer.BYTES;
    /** {@code Level.code()}. */
    public static final int LEVEL_OFFSET = TEMPLATE_OFFSET + TEMPLATE_LENGTH;
    public static final int LEVEL_LENGTH = 1;
    /** Bit set of {@link #FLAG_TRUNCATED}. */
    public static final int FLAGS_OFFSET = LEVEL_OFFSET + LEVEL_LENGTH;
    public static final int FLAGS_LENGTH = 1;
    /** Number of argument values in the data area. */
    public static final int ARG_COUNT_OFFSET = FLAGS_OFFSET + FLAGS_LENGTH;
    public static final int ARG_COUNT_LENGTH = 1;
    /** Number of key-value fields in the data area, after the arguments. */
    public static final int FIELD_COUNT_OFFSET = ARG_COUNT_OFFSET + ARG_COUNT_LENGTH;
    public static final int FIELD_COUNT_LENGTH = 1;
    /** Bytes used in the data area (unsigned 16 bits). */
    public static final int DATA_LENGTH_OFFSET = FIELD_COUNT_OFFSET + FIELD_COUNT_LENGTH;
    public static final int DATA_LENGTH_LENGTH = Short.BYTES;
    /** Padding so the data area starts 16-byte aligned. */
    public static final int RESERVED_OFFSET = DATA_LENGTH_OFFSET + DATA_LENGTH_LENGTH;
    public static final int RESERVED_LENGTH = 6;
    /** Start of the data area. */
    public static final int DATA_OFFSET = RESERVED_OFFSET + RESERVED_LENGTH;

    /** Set when arguments, fields or string bytes did not fit and were cut. */
    public static final int FLAG_TRUNCATED = 0x01;

    /** Template id meaning "the template text is stored inline as the first data value" (intern table full). */
    public static final int INLINE_TEMPLATE = -1;

    /** Smallest slot: the header plus 16 data bytes. */
    public static final int MIN_SLOT_BYTES = 64;
    /** Largest slot. */
    public static final int MAX_SLOT_BYTES = 4096;

    private SlotDescriptor() {
    }

    /** Sequence word of a slot being written by the producer of {@code sequence}. */
    public static long writingWord(long sequence) {
        return 2 * sequence + 1;
    }

    /** Sequence word of a slot holding the complete event of {@code sequence}. */
    public static long committedWord(long sequence) {
        return 2 * sequence + 2;
    }

    /** Whether the word says a producer is writing. */
    public static boolean isWriting(long word) {
        return (word & 1) != 0;
    }

    /** Sequence named by a non-zero word, committed or writing. */
    public static long sequenceOf(long word) {
        return (word - 1) >>> 1;
    }
}
