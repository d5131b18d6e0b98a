package dev.peregrine.flight.internal.codec;

import java.nio.charset.StandardCharsets;

/**
 * Layout of a snapshot file, version {@value #VERSION}; {@code docs/flight-format.md} describes it
 * with examples. All multi-byte integers are little-endian.
 *
 * <pre>
 * file    = header block* footer
 *
 * header (fixed part, 96 bytes, then three strings, then a CRC):
 *   0  magic "PGFLIGHT"        8     48 recorded              8
 *   8  format version          2     56 filtered              8
 *  10  header length           2     64 overwritten           8
 *  12  created (ns since epoch)8     72 event count           8
 *  20  first event timestamp   8     80 overwritten in copy   8
 *  28  last event timestamp    8     88 in flight             8
 *  36  pid                     8     96 service, host, reason: each u16 length + UTF-8
 *  44  ring capacity           4     .. header CRC32C (4) over bytes [0, header length - 4)
 *
 * block:
 *   0  type (1 = events, 2 = strings)   1
 *   1  item count                       4
 *   5  raw length                       4
 *   9  stored length                    4
 *  13  CRC32C of the stored bytes       4
 *  17  stored bytes: LZ4 block of the raw bytes
 *
 * footer (24 bytes):
 *   0  magic "PGFL-END"                 8
 *   8  file length                      8
 *  16  block count                      4
 *  20  CRC32C over bytes [0, file length - 4)
 * </pre>
 *
 * The strings block is the last block: it lists every string the events refer to, once, as a varint
 * byte length and UTF-8 bytes; an event refers to string {@code i} by the varint {@code i}. Each event
 * in an events block is:
 * <pre>
 *   u8      level (bits 0-2) | 0x08 truncated | 0x10 inline template
 *           | 0x20 same thread | 0x40 same target | 0x80 same template (as the previous event)
 *   varint  sequence minus the previous event's (first event: the sequence)
 *   zigzag  timestamp minus the previous event's (first event: minus 0)
 *   varint  thread id, thread name ref      (absent with "same thread")
 *   varint  target ref                      (absent with "same target")
 *   varint  template ref, or (inline template) varint length + UTF-8 (absent with "same template")
 *   varint  argument count, then the values
 *   varint  field count, then (varint key ref, value) pairs
 * value: tag byte (see ValueTag) and payload: LONG zigzag varint; DOUBLE 8 bytes;
 *        STRING varint length + UTF-8; THROWABLE varint class ref, varint length + UTF-8.
 * </pre>
 */
public final class SnapshotFileDescriptor {
    public static final byte[] MAGIC = "PGFLIGHT".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] FOOTER_MAGIC = "PGFL-END".getBytes(StandardCharsets.US_ASCII);
    /** Current format version, written by this code. */
    public static final int VERSION = 1;
    /** Oldest version this code reads. */
    public static final int MIN_READ_VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 8;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int VERSION_LENGTH = 2;
    public static final int HEADER_LENGTH_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    public static final int HEADER_LENGTH_LENGTH = 2;
    public static final int CREATED_OFFSET = HEADER_LENGTH_OFFSET + HEADER_LENGTH_LENGTH;
    public static final int CREATED_LENGTH = 8;
    public static final int FIRST_TIMESTAMP_OFFSET = CREATED_OFFSET + CREATED_LENGTH;
    public static final int FIRST_TIMESTAMP_LENGTH = 8;
    public static final int LAST_TIMESTAMP_OFFSET = FIRST_TIMESTAMP_OFFSET + FIRST_TIMESTAMP_LENGTH;
    public static final int LAST_TIMESTAMP_LENGTH = 8;
    public static final int PID_OFFSET = LAST_TIMESTAMP_OFFSET + LAST_TIMESTAMP_LENGTH;
    public static final int PID_LENGTH = 8;
    public static final int CAPACITY_OFFSET = PID_OFFSET + PID_LENGTH;
    public static final int CAPACITY_LENGTH = 4;
    public static final int RECORDED_OFFSET = CAPACITY_OFFSET + CAPACITY_LENGTH;
    public static final int RECORDED_LENGTH = 8;
    public static final int FILTERED_OFFSET = RECORDED_OFFSET + RECORDED_LENGTH;
    public static final int FILTERED_LENGTH = 8;
    public static final int OVERWRITTEN_OFFSET = FILTERED_OFFSET + FILTERED_LENGTH;
    public static final int OVERWRITTEN_LENGTH = 8;
    public static final int EVENT_COUNT_OFFSET = OVERWRITTEN_OFFSET + OVERWRITTEN_LENGTH;
    public static final int EVENT_COUNT_LENGTH = 8;
    public static final int TORN_OFFSET = EVENT_COUNT_OFFSET + EVENT_COUNT_LENGTH;
    public static final int TORN_LENGTH = 8;
    public static final int IN_FLIGHT_OFFSET = TORN_OFFSET + TORN_LENGTH;
    public static final int IN_FLIGHT_LENGTH = 8;
    /** Start of the three length-prefixed strings: service, host, reason. */
    public static final int STRINGS_OFFSET = IN_FLIGHT_OFFSET + IN_FLIGHT_LENGTH;
    public static final int HEADER_CRC_LENGTH = 4;
    /** Longest service, host or reason string, in UTF-8 bytes. */
    public static final int MAX_HEADER_STRING_BYTES = 1024;

    public static final int BLOCK_TYPE_OFFSET = 0;
    public static final int BLOCK_TYPE_LENGTH = 1;
    public static final int BLOCK_COUNT_OFFSET = BLOCK_TYPE_OFFSET + BLOCK_TYPE_LENGTH;
    public static final int BLOCK_COUNT_LENGTH = 4;
    public static final int BLOCK_RAW_LENGTH_OFFSET = BLOCK_COUNT_OFFSET + BLOCK_COUNT_LENGTH;
    public static final int BLOCK_RAW_LENGTH_LENGTH = 4;
    public static final int BLOCK_STORED_LENGTH_OFFSET = BLOCK_RAW_LENGTH_OFFSET + BLOCK_RAW_LENGTH_LENGTH;
    public static final int BLOCK_STORED_LENGTH_LENGTH = 4;
    public static final int BLOCK_CRC_OFFSET = BLOCK_STORED_LENGTH_OFFSET + BLOCK_STORED_LENGTH_LENGTH;
    public static final int BLOCK_CRC_LENGTH = 4;
    public static final int BLOCK_DATA_OFFSET = BLOCK_CRC_OFFSET + BLOCK_CRC_LENGTH;
    public static final byte BLOCK_EVENTS = 1;
    public static final byte BLOCK_STRINGS = 2;
    /** Raw bytes per events block before it is compressed and a new one started. */
    public static final int BLOCK_RAW_TARGET = 256 * 1024;
    /** Largest raw block a reader accepts (guards allocation against corrupt lengths). */
    public static final int MAX_BLOCK_RAW_LENGTH = 64 * 1024 * 1024;

    public static final int FOOTER_MAGIC_OFFSET = 0;
    public static final int FOOTER_MAGIC_LENGTH = 8;
    public static final int FOOTER_FILE_LENGTH_OFFSET = FOOTER_MAGIC_OFFSET + FOOTER_MAGIC_LENGTH;
    public static final int FOOTER_FILE_LENGTH_LENGTH = 8;
    public static final int FOOTER_BLOCK_COUNT_OFFSET = FOOTER_FILE_LENGTH_OFFSET + FOOTER_FILE_LENGTH_LENGTH;
    public static final int FOOTER_BLOCK_COUNT_LENGTH = 4;
    public static final int FOOTER_CRC_OFFSET = FOOTER_BLOCK_COUNT_OFFSET + FOOTER_BLOCK_COUNT_LENGTH;
    public static final int FOOTER_CRC_LENGTH = 4;
    public static final int FOOTER_LENGTH = FOOTER_CRC_OFFSET + FOOTER_CRC_LENGTH;

    /** Event flag bits (the level takes bits 0-2). */
    public static final int EVENT_LEVEL_MASK = 0x07;
    public static final int EVENT_TRUNCATED = 0x08;
    public static final int EVENT_INLINE_TEMPLATE = 0x10;
    /** Thread id and thread name are the previous event's and are left out. */
    public static final int EVENT_SAME_THREAD = 0x20;
    /** Target is the previous event's and is left out. */
    public static final int EVENT_SAME_TARGET = 0x40;
    /** Template ref is the previous event's and is left out (never with an inline template). */
    public static final int EVENT_SAME_TEMPLATE = 0x80;

    private SnapshotFileDescriptor() {
    }
}
