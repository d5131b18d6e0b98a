package dev.peregrine.flight.internal.codec;

import static dev.peregrine.flight.internal.codec.SnapshotFileDescriptor.*;

import dev.peregrine.flight.CorruptSnapshotException;
import dev.peregrine.flight.FlightEvent;
import dev.peregrine.flight.FlightField;
import dev.peregrine.flight.FlightSnapshot;
import dev.peregrine.flight.FlightValue;
import dev.peregrine.flight.Level;
import dev.peregrine.flight.SnapshotHeader;
import dev.peregrine.flight.TruncatedSnapshotException;
import dev.peregrine.flight.UnsupportedSnapshotException;
import dev.peregrine.flight.internal.ring.ValueTag;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Reads and verifies a snapshot file (layout: {@link SnapshotFileDescriptor}). Checks run from the
 * outside in, so each kind of damage gets its own error: magic (not a snapshot), version (too old, too
 * new), footer (truncated), whole-file CRC (corrupt), header CRC, block CRCs, then the structure of
 * every block, which must be consumed exactly. Stateless apart from the file being read.
 */
public final class SnapshotParser {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.safeInstance().safeDecompressor();

    private final Path file;
    private final byte[] bytes;

    private SnapshotParser(Path file, byte[] bytes) {
        this.file = file;
        this.bytes = bytes;
    }

    /** Reads {@code file} completely; see {@link FlightSnapshot#read}. */
    public static FlightSnapshot parse(Path file) throws IOException {
        return new SnapshotParser(file, Files.readAllBytes(file)).parse();
    }

    private FlightSnapshot parse() throws IOException {
        int length = bytes.length;
        checkMagicAndVersion();
        if (length < STRINGS_OFFSET + FOOTER_LENGTH) {
            throw new TruncatedSnapshotException(file, length, "shorter than the fixed header (" + STRINGS_OFFSET
                    + " bytes) plus footer (" + FOOTER_LENGTH + " bytes)");
        }
        int footer = length - FOOTER_LENGTH;
        if (!Arrays.equals(bytes, footer, footer + FOOTER_MAGIC_LENGTH, FOOTER_MAGIC, 0, FOOTER_MAGIC_LENGTH)) {
            throw new TruncatedSnapshotException(file, length, "no footer magic \"PGFL-END\" at byte " + footer
                    + "; the file was cut short, never finished, or its footer is damaged");
        }
        long declaredLength = (long) LONG_LE.get(bytes, footer + FOOTER_FILE_LENGTH_OFFSET);
        if (declaredLength != length) {
            throw new CorruptSnapshotException(file, footer + FOOTER_FILE_LENGTH_OFFSET,
                    "footer says the file is " + declaredLength + " bytes, it is " + length);
        }
        int storedCrc = (int) INT_LE.get(bytes, footer + FOOTER_CRC_OFFSET);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length - FOOTER_CRC_LENGTH);
        if ((int) crc.getValue() != storedCrc) {
            throw new CorruptSnapshotException(file, footer + FOOTER_CRC_OFFSET, "file checksum (CRC32C of bytes [0, "
                    + (length - FOOTER_CRC_LENGTH) + ")) expected " + hex(storedCrc) + ", actual " + hex((int) crc.getValue()));
        }
        int blockCount = (int) INT_LE.get(bytes, footer + FOOTER_BLOCK_COUNT_OFFSET);
        HeaderFields header = parseHeader(footer);
        List<Block> blocks = new ArrayList<>();
        int p = header.length;
        while (p < footer) {
            Block block = readBlock(p, footer);
            blocks.add(block);
            p = block.end;
        }
        if (blocks.size() != blockCount) {
            throw new CorruptSnapshotException(file, footer + FOOTER_BLOCK_COUNT_OFFSET,
                    "footer counts " + blockCount + " blocks, the file holds " + blocks.size());
        }
        if (blocks.isEmpty() || blocks.getLast().type != BLOCK_STRINGS) {
            throw new CorruptSnapshotException(file, header.length, "the last block must be the strings block");
        }
        String[] strings = decodeStrings(blocks.getLast());
        List<FlightEvent> events = new ArrayList<>();
        Previous previous = new Previous();
        for (int i = 0; i < blocks.size() - 1; i++) {
            Block block = blocks.get(i);
            if (block.type != BLOCK_EVENTS) {
                throw new CorruptSnapshotException(file, block.start, "block " + i + " has type " + block.type
                        + ", expected " + BLOCK_EVENTS + " (events)");
            }
            decodeEvents(block, strings, events, previous);
        }
        if (events.size() != header.value.eventCount()) {
            throw new CorruptSnapshotException(file, EVENT_COUNT_OFFSET, "header counts " + header.value.eventCount()
                    + " events, the blocks hold " + events.size());
        }
        return new FlightSnapshot(file, header.value, events);
    }

    private void checkMagicAndVersion() throws IOException {
        int length = bytes.length;
        int compared = Math.min(length, MAGIC_LENGTH);
        if (!Arrays.equals(bytes, 0, compared, MAGIC, 0, compared)) {
            throw new UnsupportedSnapshotException(file, 0, "not a flight snapshot: expected magic \"PGFLIGHT\", found "
                    + printable(Arrays.copyOf(bytes, compared)));
        }
        if (length < VERSION_OFFSET + VERSION_LENGTH) {
            throw new TruncatedSnapshotException(file, length, "ends inside the magic/version (needs "
                    + (VERSION_OFFSET + VERSION_LENGTH) + " bytes)");
        }
        int version = Short.toUnsignedInt((short) SHORT_LE.get(bytes, VERSION_OFFSET));
        if (version < MIN_READ_VERSION) {
            throw new UnsupportedSnapshotException(file, VERSION_OFFSET, "format version " + version
                    + " is too old: this reader supports " + MIN_READ_VERSION + ".." + VERSION);
        }
        if (version > VERSION) {
            throw new UnsupportedSnapshotException(file, VERSION_OFFSET, "format version " + version
                    + " is too new: this reader supports " + MIN_READ_VERSION + ".." + VERSION + "; upgrade Peregrine");
        }
    }

    private record HeaderFields(SnapshotHeader value, int length) {
    }

    private HeaderFields parseHeader(int footer) throws IOException {
        int headerLength = Short.toUnsignedInt((short) SHORT_LE.get(bytes, HEADER_LENGTH_OFFSET));
        if (headerLength < STRINGS_OFFSET + 3 * Short.BYTES + HEADER_CRC_LENGTH || headerLength > footer) {
            throw new CorruptSnapshotException(file, HEADER_LENGTH_OFFSET, "header length " + headerLength
                    + " outside [" + (STRINGS_OFFSET + 3 * Short.BYTES + HEADER_CRC_LENGTH) + ", " + footer + "]");
        }
        int crcAt = headerLength - HEADER_CRC_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcAt);
        int stored = (int) INT_LE.get(bytes, crcAt);
        if ((int) crc.getValue() != stored) {
            throw new CorruptSnapshotException(file, crcAt, "header checksum expected " + hex(stored) + ", actual " + hex((int) crc.getValue()));
        }
        int[] at = {STRINGS_OFFSET};
        String service = headerString(at, crcAt);
        String host = headerString(at, crcAt);
        String reason = headerString(at, crcAt);
        if (at[0] != crcAt) {
            throw new CorruptSnapshotException(file, at[0], "header strings end at byte " + at[0] + ", the header CRC is at " + crcAt);
        }
        SnapshotHeader header = new SnapshotHeader(
                Short.toUnsignedInt((short) SHORT_LE.get(bytes, VERSION_OFFSET)),
                longAt(CREATED_OFFSET), longAt(FIRST_TIMESTAMP_OFFSET), longAt(LAST_TIMESTAMP_OFFSET), longAt(PID_OFFSET),
                (int) INT_LE.get(bytes, CAPACITY_OFFSET), longAt(RECORDED_OFFSET), longAt(FILTERED_OFFSET),
                longAt(OVERWRITTEN_OFFSET), longAt(EVENT_COUNT_OFFSET), longAt(TORN_OFFSET), longAt(IN_FLIGHT_OFFSET),
                service, host, reason);
        return new HeaderFields(header, headerLength);
    }

    private long longAt(int offset) {
        return (long) LONG_LE.get(bytes, offset);
    }

    private String headerString(int[] at, int limit) throws IOException {
        int p = at[0];
        if (p + Short.BYTES > limit) {
            throw new CorruptSnapshotException(file, p, "header string length runs past the header end " + limit);
        }
        int length = Short.toUnsignedInt((short) SHORT_LE.get(bytes, p));
        if (p + Short.BYTES + length > limit) {
            throw new CorruptSnapshotException(file, p, "header string of " + length + " bytes runs past the header end " + limit);
        }
        at[0] = p + Short.BYTES + length;
        return new String(bytes, p + Short.BYTES, length, StandardCharsets.UTF_8);
    }

    private record Block(int start, int end, byte type, int count, byte[] raw) {
    }

    private Block readBlock(int start, int limit) throws IOException {
        if (start + BLOCK_DATA_OFFSET > limit) {
            throw new CorruptSnapshotException(file, start, "block header needs " + BLOCK_DATA_OFFSET + " bytes, "
                    + (limit - start) + " remain before the footer");
        }
        byte type = bytes[start + BLOCK_TYPE_OFFSET];
        int count = (int) INT_LE.get(bytes, start + BLOCK_COUNT_OFFSET);
        int rawLength = (int) INT_LE.get(bytes, start + BLOCK_RAW_LENGTH_OFFSET);
        int stored = (int) INT_LE.get(bytes, start + BLOCK_STORED_LENGTH_OFFSET);
        int data = start + BLOCK_DATA_OFFSET;
        if (stored < 0 || stored > limit - data) {
            throw new CorruptSnapshotException(file, start + BLOCK_STORED_LENGTH_OFFSET, "block stored length " + stored
                    + " exceeds the " + (limit - data) + " bytes left before the footer");
        }
        if (rawLength < 0 || rawLength > MAX_BLOCK_RAW_LENGTH || count < 0) {
            throw new CorruptSnapshotException(file, start + BLOCK_COUNT_OFFSET, "block count " + count + " or raw length "
                    + rawLength + " out of range (raw limit " + MAX_BLOCK_RAW_LENGTH + ")");
        }
        int storedCrc = (int) INT_LE.get(bytes, start + BLOCK_CRC_OFFSET);
        CRC32C crc = new CRC32C();
        crc.update(bytes, data, stored);
        if ((int) crc.getValue() != storedCrc) {
            throw new CorruptSnapshotException(file, start + BLOCK_CRC_OFFSET, "block checksum expected " + hex(storedCrc)
                    + ", actual " + hex((int) crc.getValue()));
        }
        byte[] raw = new byte[rawLength];
        int produced;
        try {
            produced = LZ4.decompress(bytes, data, stored, raw, 0, rawLength);
        } catch (LZ4Exception e) {
            throw new CorruptSnapshotException(file, data, "LZ4 block does not decompress: " + e.getMessage());
        }
        if (produced != rawLength) {
            throw new CorruptSnapshotException(file, data, "block decompressed to " + produced + " bytes, header says " + rawLength);
        }
        return new Block(start, data + stored, type, count, raw);
    }

    private String[] decodeStrings(Block block) throws IOException {
        Source in = new Source(block);
        String[] strings = new String[block.count];
        for (int i = 0; i < block.count; i++) {
            strings[i] = in.utf8(in.length());
        }
        in.expectEnd();
        return strings;
    }

    /** The previous event's values, which the next event's deltas and "same as" flags refer to. */
    private static final class Previous {
        long sequence;
        long timestamp;
        long threadId;
        String threadName;
        String target;
        String template;
    }

    private void decodeEvents(Block block, String[] strings, List<FlightEvent> out, Previous previous) throws IOException {
        Source in = new Source(block);
        for (int i = 0; i < block.count; i++) {
            int flags = in.u8();
            int levelCode = flags & EVENT_LEVEL_MASK;
            boolean inline = (flags & EVENT_INLINE_TEMPLATE) != 0;
            if (levelCode >= Level.OFF.code() || (inline && (flags & EVENT_SAME_TEMPLATE) != 0)) {
                throw in.corrupt("event flags " + hex(flags) + " name no level or combine inline and same template");
            }
            long sequence = previous.sequence + in.varint();
            long timestamp = previous.timestamp + in.zigzag();
            previous.sequence = sequence;
            previous.timestamp = timestamp;
            if ((flags & EVENT_SAME_THREAD) == 0) {
                previous.threadId = in.varint();
                previous.threadName = in.string(strings);
            }
            if ((flags & EVENT_SAME_TARGET) == 0) {
                previous.target = in.string(strings);
            }
            if (inline) {
                previous.template = in.utf8(in.length());
            } else if ((flags & EVENT_SAME_TEMPLATE) == 0) {
                previous.template = in.string(strings);
            }
            if (previous.threadName == null || previous.target == null || previous.template == null) {
                throw in.corrupt("event refers to the previous event's thread, target or template, but there is none");
            }
            long threadId = previous.threadId;
            String threadName = previous.threadName;
            String target = previous.target;
            String template = previous.template;
            int argCount = in.count();
            List<FlightValue> args = new ArrayList<>(argCount);
            for (int a = 0; a < argCount; a++) {
                args.add(in.value(strings));
            }
            int fieldCount = in.count();
            List<FlightField> fields = new ArrayList<>(fieldCount);
            for (int f = 0; f < fieldCount; f++) {
                String key = in.string(strings);
                fields.add(new FlightField(key, in.value(strings)));
            }
            out.add(new FlightEvent(sequence, timestamp, Level.ofCode(levelCode), threadId, threadName, target, template,
                    args, fields, (flags & EVENT_TRUNCATED) != 0));
        }
        in.expectEnd();
    }

    /** Bounds-checked reader over one block's raw bytes; every error names the block and raw offset. */
    private final class Source {
        private final Block block;
        private final byte[] raw;
        private int p;

        Source(Block block) {
            this.block = block;
            this.raw = block.raw;
        }

        CorruptSnapshotException corrupt(String problem) {
            return new CorruptSnapshotException(file, block.start, "block at byte " + block.start + ", raw offset " + p + ": " + problem);
        }

        int u8() throws IOException {
            if (p >= raw.length) {
                throw corrupt("ends in the middle of an entry");
            }
            return Byte.toUnsignedInt(raw[p++]);
        }

        long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw corrupt("varint longer than 10 bytes");
        }

        long zigzag() throws IOException {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        int length() throws IOException {
            long v = varint();
            if (v > raw.length - p) {
                throw corrupt("length " + v + " exceeds the " + (raw.length - p) + " bytes left in the block");
            }
            return (int) v;
        }

        int count() throws IOException {
            long v = varint();
            if (v > 255) {
                throw corrupt("count " + v + " exceeds 255");
            }
            return (int) v;
        }

        String utf8(int length) {
            String s = new String(raw, p, length, StandardCharsets.UTF_8);
            p += length;
            return s;
        }

        String string(String[] strings) throws IOException {
            long ref = varint();
            if (ref >= strings.length) {
                throw corrupt("string ref " + ref + " but the strings block holds " + strings.length);
            }
            return strings[(int) ref];
        }

        FlightValue value(String[] strings) throws IOException {
            int tag = u8();
            return switch (tag) {
                case ValueTag.LONG -> new FlightValue.LongValue(zigzag());
                case ValueTag.DOUBLE -> {
                    if (raw.length - p < Long.BYTES) {
                        throw corrupt("double needs 8 bytes, " + (raw.length - p) + " left");
                    }
                    double d = Double.longBitsToDouble((long) LONG_LE.get(raw, p));
                    p += Long.BYTES;
                    yield new FlightValue.DoubleValue(d);
                }
                case ValueTag.TRUE -> new FlightValue.BooleanValue(true);
                case ValueTag.FALSE -> new FlightValue.BooleanValue(false);
                case ValueTag.STRING -> new FlightValue.StringValue(utf8(length()));
                case ValueTag.THROWABLE -> {
                    String className = string(strings);
                    yield new FlightValue.ThrowableValue(className, utf8(length()));
                }
                case ValueTag.NULL -> new FlightValue.NullValue();
                default -> throw corrupt("unknown value tag " + tag);
            };
        }

        void expectEnd() throws IOException {
            if (p != raw.length) {
                throw corrupt("block declares " + block.count + " entries but " + (raw.length - p) + " bytes are left after them");
            }
        }
    }

    private static String hex(int v) {
        return "0x" + HexFormat.of().toHexDigits(v);
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) {
            s.append(x >= 0x20 && x < 0x7F ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xFF));
        }
        return s.append('"').toString();
    }
}
