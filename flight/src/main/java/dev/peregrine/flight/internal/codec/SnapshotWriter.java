package dev.peregrine.flight.internal.codec;

import static dev.peregrine.flight.internal.codec.SnapshotFileDescriptor.*;

import dev.peregrine.flight.internal.intern.Interner;
import dev.peregrine.flight.internal.ring.Ring;
import dev.peregrine.flight.internal.ring.SlotDescriptor;
import dev.peregrine.flight.internal.ring.SlotStatus;
import dev.peregrine.flight.internal.ring.ValueTag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Copies the ring into a snapshot file (layout: {@link SnapshotFileDescriptor}) without emptying it and
 * without stopping producers. Each slot is copied under its seqlock and transcoded straight from the
 * copy into the compact file encoding, so no intermediate event objects are made. Strings are written
 * once, in a strings block after the events.
 *
 * <p>Durability: the file is written to {@code <name>.tmp}, forced, renamed over the final name
 * atomically, and the directory is forced, so a crash leaves either no file or a complete one.
 *
 * <p>Not thread-safe: one instance per snapshot; the recorder runs one snapshot at a time.
 */
public final class SnapshotWriter implements SlotBytes.ValueVisitor {
    /** The pure-Java LZ4 implementation: no JNI and no sun.misc.Unsafe. */
    private static final LZ4Compressor LZ4 = LZ4Factory.safeInstance().fastCompressor();
    /**
     * Runs block compression on virtual threads (carried by the JDK's scheduler, one carrier per core):
     * the common pool would start a platform thread per task on machines with fewer than three cores.
     */
    private static final Executor COMPRESSORS = task -> Thread.ofVirtual().name("flight-lz4").start(task);

    /** What goes into the header besides the accounting measured while copying. */
    public record Metadata(String service, String host, long pid, String reason, long createdNanos, long filtered) {
    }

    /** What a snapshot wrote. */
    public record Result(Path file, long events, long overwrittenDuringCopy, long inFlight, long bytes, long recorded, long overwritten) {
    }

    private final Ring ring;
    private final Interner interner;
    private final byte[] slot;
    private final ByteSink raw = new ByteSink(BLOCK_RAW_TARGET + 4096);
    /** Finished blocks, compressed on the common pool while this thread keeps copying the ring. */
    private final List<CompletableFuture<byte[]>> pending = new ArrayList<>();
    private List<byte[]> blocks;
    private int blockEvents;
    /** Interned id to file ref + 1 (0: not yet referenced). */
    private int[] refs = new int[1024];
    private final List<String> strings = new ArrayList<>();
    private int argCount;
    private int visited;
    private long previousThreadId = -1;
    private int previousThreadName = -1;
    private int previousTarget = -1;
    private int previousTemplate = Integer.MIN_VALUE;

    public SnapshotWriter(Ring ring, Interner interner) {
        this.ring = ring;
        this.interner = interner;
        this.slot = new byte[ring.slotBytes()];
    }

    /** Copies the ring and writes the file {@code target} atomically. */
    public Result write(Path target, Metadata meta) throws IOException {
        long end = ring.claimed();
        long holes = ring.holes();
        long start = Math.max(0, end - ring.capacity());
        long events = 0;
        long torn = 0;
        long inFlight = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long previousSequence = 0;
        long previousTimestamp = 0;
        for (long sequence = start; sequence < end; sequence++) {
            SlotStatus status = ring.read(sequence, slot);
            switch (status) {
                case OVERWRITTEN -> torn++;
                case IN_FLIGHT -> inFlight++;
                case PRESENT -> {
                    long timestamp = SlotBytes.timestamp(slot);
                    encodeEvent(sequence - previousSequence, timestamp - previousTimestamp);
                    previousSequence = sequence;
                    previousTimestamp = timestamp;
                    first = Math.min(first, timestamp);
                    last = Math.max(last, timestamp);
                    events++;
                    blockEvents++;
                    if (raw.size >= BLOCK_RAW_TARGET) {
                        finishBlock(BLOCK_EVENTS, blockEvents);
                        blockEvents = 0;
                    }
                }
            }
        }
        if (blockEvents > 0) {
            finishBlock(BLOCK_EVENTS, blockEvents);
        }
        for (String s : strings) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            raw.ensure(utf8.length + 10);
            raw.putVarint(utf8.length);
            raw.put(utf8, 0, utf8.length);
        }
        finishBlock(BLOCK_STRINGS, strings.size());
        blocks = new ArrayList<>(pending.size());
        for (CompletableFuture<byte[]> block : pending) {
            blocks.add(block.join());
        }
        long recorded = end - holes;
        long overwritten = Math.max(0, recorded - events - torn - inFlight);
        byte[] header = header(meta, events == 0 ? 0 : first, events == 0 ? 0 : last, recorded, overwritten, events, torn, inFlight);
        long bytes = writeAtomically(target, header);
        return new Result(target, events, torn, inFlight, bytes, recorded, overwritten);
    }

    private void encodeEvent(long sequenceDelta, long timestampDelta) {
        // Worst case: every slot byte becomes up to two encoded bytes, plus the varints of the header.
        raw.ensure(2 * slot.length + 64);
        int template = SlotBytes.template(slot);
        boolean inline = template == SlotDescriptor.INLINE_TEMPLATE;
        long threadId = SlotBytes.threadId(slot);
        int threadName = SlotBytes.threadName(slot);
        int target = SlotBytes.target(slot);
        boolean sameThread = threadId == previousThreadId && threadName == previousThreadName;
        boolean sameTarget = target == previousTarget;
        boolean sameTemplate = !inline && template == previousTemplate;
        raw.put((byte) (SlotBytes.level(slot) | (SlotBytes.truncated(slot) ? EVENT_TRUNCATED : 0) | (inline ? EVENT_INLINE_TEMPLATE : 0)
                | (sameThread ? EVENT_SAME_THREAD : 0) | (sameTarget ? EVENT_SAME_TARGET : 0) | (sameTemplate ? EVENT_SAME_TEMPLATE : 0)));
        raw.putVarint(sequenceDelta);
        raw.putZigzag(timestampDelta);
        if (!sameThread) {
            raw.putVarint(threadId);
            raw.putVarint(ref(threadName));
            previousThreadId = threadId;
            previousThreadName = threadName;
        }
        if (!sameTarget) {
            raw.putVarint(ref(target));
            previousTarget = target;
        }
        if (inline) {
            int length = SlotBytes.inlineTemplateLength(slot);
            raw.putVarint(length);
            raw.put(slot, SlotDescriptor.DATA_OFFSET + Short.BYTES, length);
        } else if (!sameTemplate) {
            raw.putVarint(ref(template));
        }
        previousTemplate = inline ? Integer.MIN_VALUE : template;
        argCount = SlotBytes.argCount(slot);
        visited = 0;
        raw.putVarint(argCount);
        int total = SlotBytes.forEachValue(slot, this);
        if (total == argCount) {
            raw.putVarint(0);
        }
    }

    @Override
    public void value(int key, byte tag, long bits, byte[] bytes, int textOffset, int textLength) {
        if (visited == argCount) {
            raw.putVarint(SlotBytes.fieldCount(slot));
        }
        visited++;
        if (key >= 0) {
            raw.putVarint(ref(key));
        }
        raw.put(tag);
        switch (tag) {
            case ValueTag.LONG -> raw.putZigzag(bits);
            case ValueTag.DOUBLE -> raw.putLong(bits);
            case ValueTag.STRING -> {
                raw.putVarint(textLength);
                raw.put(bytes, textOffset, textLength);
            }
            case ValueTag.THROWABLE -> {
                raw.putVarint(ref((int) bits));
                raw.putVarint(textLength);
                raw.put(bytes, textOffset, textLength);
            }
            default -> {
                // TRUE, FALSE, NULL: the tag is the whole value.
            }
        }
    }

    /** File ref of an interned id, assigning the next ref on first use. */
    private int ref(int id) {
        if (id >= refs.length) {
            refs = Arrays.copyOf(refs, Math.max(refs.length * 2, id + 1));
        }
        int ref = refs[id];
        if (ref == 0) {
            strings.add(interner.string(id));
            ref = strings.size();
            refs[id] = ref;
        }
        return ref - 1;
    }

    /** Hands the raw block to a compression task (in file order) and starts a new one. */
    private void finishBlock(byte type, int count) {
        byte[] copy = Arrays.copyOf(raw.bytes, raw.size);
        raw.size = 0;
        // Compression is most of a snapshot's CPU time and blocks are independent: compressing on
        // another core overlaps it with copying the ring. Never on a producer thread.
        pending.add(CompletableFuture.supplyAsync(() -> compress(type, count, copy), COMPRESSORS));
    }

    private static byte[] compress(byte type, int count, byte[] raw) {
        int rawLength = raw.length;
        byte[] block = new byte[BLOCK_DATA_OFFSET + LZ4.maxCompressedLength(rawLength)];
        int stored = LZ4.compress(raw, 0, rawLength, block, BLOCK_DATA_OFFSET, block.length - BLOCK_DATA_OFFSET);
        ByteSink head = new ByteSink(BLOCK_DATA_OFFSET + 8);
        head.put(type);
        head.putInt(count);
        head.putInt(rawLength);
        head.putInt(stored);
        CRC32C crc = new CRC32C();
        crc.update(block, BLOCK_DATA_OFFSET, stored);
        head.putInt((int) crc.getValue());
        System.arraycopy(head.bytes, 0, block, 0, BLOCK_DATA_OFFSET);
        return Arrays.copyOf(block, BLOCK_DATA_OFFSET + stored);
    }

    private byte[] header(Metadata meta, long first, long last, long recorded, long overwritten, long events, long torn, long inFlight) {
        ByteSink h = new ByteSink(STRINGS_OFFSET + 3 * (Short.BYTES + MAX_HEADER_STRING_BYTES) + HEADER_CRC_LENGTH);
        h.put(MAGIC, 0, MAGIC_LENGTH);
        h.putShort(VERSION);
        h.putShort(0); // header length, patched below
        h.putLong(meta.createdNanos());
        h.putLong(first);
        h.putLong(last);
        h.putLong(meta.pid());
        h.putInt(ring.capacity());
        h.putLong(recorded);
        h.putLong(meta.filtered());
        h.putLong(overwritten);
        h.putLong(events);
        h.putLong(torn);
        h.putLong(inFlight);
        putHeaderString(h, meta.service());
        putHeaderString(h, meta.host());
        putHeaderString(h, meta.reason());
        int length = h.size + HEADER_CRC_LENGTH;
        h.setShort(HEADER_LENGTH_OFFSET, length);
        CRC32C crc = new CRC32C();
        crc.update(h.bytes, 0, h.size);
        h.putInt((int) crc.getValue());
        return Arrays.copyOf(h.bytes, h.size);
    }

    private static void putHeaderString(ByteSink h, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(utf8.length, MAX_HEADER_STRING_BYTES);
        h.putShort(length);
        h.put(utf8, 0, length);
    }

    private long writeAtomically(Path target, byte[] header) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        long length = header.length + FOOTER_LENGTH;
        for (byte[] block : blocks) {
            length += block.length;
        }
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(out, header, crc);
            for (byte[] block : blocks) {
                writeFully(out, block, crc);
            }
            ByteSink footer = new ByteSink(FOOTER_LENGTH + 8);
            footer.put(FOOTER_MAGIC, 0, FOOTER_MAGIC_LENGTH);
            footer.putLong(length);
            footer.putInt(blocks.size());
            crc.update(footer.bytes, 0, footer.size);
            footer.putInt((int) crc.getValue());
            writeFully(out, Arrays.copyOf(footer.bytes, footer.size), null);
            // Force data and metadata before the rename: the rename must never expose a partial file.
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw new IOException("cannot rename " + temp + " to " + target + " atomically: " + e.getMessage(), e);
        }
        forceDirectory(target.toAbsolutePath().getParent());
        return length;
    }

    private static void writeFully(FileChannel out, byte[] bytes, CRC32C crc) throws IOException {
        if (crc != null) {
            crc.update(bytes, 0, bytes.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Makes the rename durable. Some file systems cannot open a directory; they persist renames anyway. */
    private static void forceDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // Directory handles are not supported here (e.g. Windows); nothing more can be done portably.
        }
    }
}
