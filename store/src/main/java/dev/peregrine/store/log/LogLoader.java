package dev.peregrine.store.log;

import dev.peregrine.store.CorruptLogException;
import dev.peregrine.store.RecoveryReport;
import dev.peregrine.store.RecoveryReport.Action;
import dev.peregrine.store.RecoveryReport.Kind;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.index.IndexMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.peregrine.store.log.EntryDescriptor.*;

/**
 * Recovery of the log on open. Runs in numbered passes:
 *
 * <ol>
 *   <li><b>Open</b> every {@code *.seg} file in name (= position) order and validate its header (after
 *       deleting a scavenge's unfinished copies, {@code *.seg.scavenge}). A
 *       last file whose header is invalid and which holds nothing else was cut short while being
 *       created (before any entry could be written to it) and is deleted.</li>
 *   <li><b>Scan</b> each segment: every entry must have a sane length, the next position, and a
 *       matching CRC-32C. Valid entries are added to the segment's offset index.</li>
 *   <li><b>Classify</b> the first invalid entry. In the last segment, if no valid entry can be found
 *       anywhere after it, it is a <em>torn tail</em> (a write the crash interrupted) and is truncated.
 *       Anything else (damage in an older segment, or a valid entry after the damage) is
 *       <em>corruption</em>: {@link CorruptLogException} naming file, offset and both CRCs, unless
 *       repair was asked for, which truncates the log at the damage and deletes later segments.</li>
 *   <li><b>Complete batches</b>: if the last entry says more entries of its batch follow, the crash
 *       interrupted that batch; all of its entries are dropped.</li>
 * </ol>
 *
 * <p>Every truncation zeroes the dropped bytes (with positional writes, never through the mapping;
 * if the disk is too full for that, before the next write instead). Every action is recorded as a
 * typed {@link Action} of the {@link RecoveryReport} and logged. Thread safety: runs on the opening
 * thread before the store exists.
 */
public final class LogLoader {

    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);
    /** Zero bytes that end the search for leftover data after the last valid entry (see nonZeroExtent). */
    static final long ZERO_RUN = 4L << 20;

    /**
     * What recovery found and did.
     *
     * @param segments the valid segments, in order, each with its offset index built
     * @param lastPosition position of the last valid entry (0 if none)
     * @param bytesTruncated bytes cut from segments that were kept
     * @param entriesDropped valid entries dropped with an incomplete batch
     * @param actions each action taken, in order
     */
    public record Result(List<LogSegment> segments, long lastPosition, long bytesTruncated, long entriesDropped,
                         List<Action> actions) {

        /**
         * @param entriesReplayed entries the store indexed from the log after its index checkpoint
         * @return the report of the whole open
         */
        public RecoveryReport report(long entriesReplayed) {
            int repaired = 0;
            int deleted = 0;
            for (Action a : actions) {
                switch (a.kind()) {
                    case DAMAGE_TRUNCATED -> repaired++;
                    case SEGMENT_DELETED, BLANK_SEGMENT_DELETED -> deleted++;
                    case TORN_TAIL_TRUNCATED, INCOMPLETE_BATCH_DROPPED -> { }
                }
            }
            return new RecoveryReport(bytesTruncated, entriesDropped, entriesReplayed, repaired, deleted, actions);
        }
    }

    private final Path directory;
    private final boolean repair;
    private final IndexMemory indexMemory;
    private final List<Action> actions = new ArrayList<>();
    private long bytesTruncated;
    private long entriesDropped;

    private LogLoader(Path directory, boolean repair, IndexMemory indexMemory) {
        this.directory = directory;
        this.repair = repair;
        this.indexMemory = indexMemory;
    }

    /**
     * Recovers the log in {@code directory}.
     *
     * @param directory the log directory (created if missing)
     * @param repair truncate at corruption instead of failing
     * @param indexMemory where the segments' offset indexes are kept
     * @return the recovered segments
     * @throws CorruptLogException on corruption when {@code repair} is false
     */
    public static Result load(Path directory, boolean repair, IndexMemory indexMemory) {
        return new LogLoader(directory, repair, indexMemory).run();
    }

    private Result run() {
        List<LogSegment> segments = openAll();
        try {
            long last = scanAll(segments);
            last = dropIncompleteBatch(segments, last);
            return new Result(segments, last, bytesTruncated, entriesDropped, List.copyOf(actions));
        } catch (RuntimeException e) {
            segments.forEach(LogSegment::close);
            throw e;
        }
    }

    // Pass 1
    private List<LogSegment> openAll() {
        List<Path> files;
        try {
            Files.createDirectories(directory);
            try (Stream<Path> list = Files.list(directory)) {
                List<Path> all = list.sorted().toList();
                files = all.stream().filter(p -> p.getFileName().toString().endsWith(SegmentHeaderDescriptor.SUFFIX))
                        .toList();
                deleteUnfinishedRewrites(all);
            }
        } catch (IOException e) {
            throw new StorageFailureException("cannot list log directory", directory, e);
        }
        List<LogSegment> segments = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            try {
                segments.add(LogSegment.open(file, indexMemory));
            } catch (CorruptLogException | UnsupportedFormatException e) {
                if (i == files.size() - 1 && isBlank(file)) {
                    long size = sizeOf(file);
                    deleteFile(file);
                    record(Kind.BLANK_SEGMENT_DELETED, file, 0, size, "no valid header and nothing after it");
                } else {
                    segments.forEach(LogSegment::close);
                    throw e;
                }
            }
        }
        return segments;
    }

    /**
     * A scavenge's copy that was never renamed into place: its original is still there and whole, so
     * the copy is deleted (see {@link SegmentRewriter}).
     */
    private static void deleteUnfinishedRewrites(List<Path> files) {
        for (Path file : files) {
            if (file.getFileName().toString().endsWith(SegmentHeaderDescriptor.SUFFIX + SegmentRewriter.TEMP_SUFFIX)) {
                deleteFile(file);
                LOG.info("deleted {}: a scavenge's copy the previous run did not finish; the original is kept",
                        file.getFileName());
            }
        }
    }

        /** @return whether nothing but (possibly) a header was ever written to {@code file} */
    private static boolean isBlank(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            if (size <= SegmentHeaderDescriptor.HEADER_LENGTH) {
                return true;
            }
            MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            MemorySegment zeros = arena.allocate(size - SegmentHeaderDescriptor.HEADER_LENGTH);
            return map.asSlice(SegmentHeaderDescriptor.HEADER_LENGTH).mismatch(zeros) < 0;
        } catch (IOException e) {
            return false;
        }
    }

    // Passes 2 and 3
    private long scanAll(List<LogSegment> segments) {
        long expected = 1;
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            boolean isLast = i == segments.size() - 1;
            if (segment.basePosition() != expected) {
                corruption(segments, i, SegmentHeaderDescriptor.BASE_POSITION_OFFSET, 0, 0,
                        "segment starts at position " + segment.basePosition() + " but position " + expected
                                + " was expected next");
                return expected - 1;
            }
            long off = SegmentHeaderDescriptor.HEADER_LENGTH;
            long cap = segment.capacity();
            Crc.EntryChecker checker = new Crc.EntryChecker(segment.memory());
            while (off + HEADER_LENGTH <= cap) {
                int len = segment.lengthAt(off);
                if (len == 0) {
                    break;
                }
                String problem = problemWith(segment, checker, off, expected);
                if (problem != null) {
                    break;
                }
                segment.indexEntry(off);
                expected++;
                off += len;
            }
            segment.recoveredTo((int) off);
            // Progress for long opens: one line per segment checked.
            LOG.info("checked {} ({}/{}): {} entries, positions up to {}", segment.path().getFileName(), i + 1,
                    segments.size(), segment.entryCount(), expected - 1);
            // Everything after the last valid entry must be zero, or a torn tail of the last segment.
            long extent = off + HEADER_LENGTH <= cap ? nonZeroExtent(segment, off) : 0;
            if (extent > 0) {
                boolean validLater = validEntryAfter(segment, off, off + extent, expected);
                if (isLast && !validLater) {
                    boolean zeroed = segment.truncate(segment.entryCount(), (int) off, off + extent);
                    bytesTruncated += extent;
                    record(Kind.TORN_TAIL_TRUNCATED, segment.path(), off, extent,
                            "after the last valid entry, position " + (expected - 1) + deferred(zeroed));
                } else {
                    int len = segment.lengthAt(off);
                    int stored = segment.crcAt(off);
                    int actual = len >= HEADER_LENGTH && off + len <= cap ? Crc.ofEntry(segment.memory(), off, len) : 0;
                    corruption(segments, i, off, stored, actual, "expected position " + expected + ": "
                            + describe(segment, off, expected));
                    return expected - 1;
                }
            }
        }
        return expected - 1;
    }

    /** @return why the entry at {@code off} is not the valid entry for {@code expected}, or null if it is */
    private static String problemWith(LogSegment segment, Crc.EntryChecker checker, long off, long expected) {
        int len = segment.lengthAt(off);
        long cap = segment.capacity();
        if (len < HEADER_LENGTH || (len & (ALIGNMENT - 1)) != 0 || off + len > cap) {
            return "entry length " + len + " is impossible";
        }
        if (segment.crcAt(off) != checker.ofEntry(off, len)) {
            return "CRC-32C mismatch";
        }
        if (segment.positionAt(off) != expected) {
            return "entry holds position " + segment.positionAt(off);
        }
        int payload = segment.payloadLengthAt(off);
        int metadata = segment.metadataLengthAt(off);
        if (payload < 0 || metadata < 0 || (long) stringsOffset(payload, metadata) + segment.typeLengthAt(off)
                + segment.entityLengthAt(off) + segment.tenantLengthAt(off) > len) {
            return "field lengths exceed the entry length";
        }
        return null;
    }

    private static String describe(LogSegment segment, long off, long expected) {
        String p = problemWith(segment, new Crc.EntryChecker(segment.memory()), off, expected);
        return p == null ? "entry length is zero but valid entries follow" : p;
    }

    /**
     * Length of the written-looking region from {@code off}: up to and including the last non-zero byte
     * that is followed by fewer than {@link #ZERO_RUN} zero bytes before it. Entries are written
     * sequentially, so leftover bytes of an interrupted write (or the valid entries after a damaged
     * one) are contiguous with {@code off}; a run of {@code ZERO_RUN} zeros (longer than any entry a
     * torn write could leave partly zero) ends the search. This keeps the scan from reading the
     * untouched, sparse remainder of a preallocated segment, which would fill the page cache with
     * zero pages.
     *
     * @return bytes from {@code off} to the end of that region (0 if {@code off} starts a zero run)
     */
    private static long nonZeroExtent(LogSegment segment, long off) {
        final int chunk = 64 * 1024;
        MemorySegment map = segment.memory();
        MemorySegment zeros = Arena.ofAuto().allocate(chunk);
        long size = map.byteSize();
        long lastChunk = -1;
        for (long at = off; at < size; at += chunk) {
            long n = Math.min(chunk, size - at);
            if (map.asSlice(at, n).mismatch(zeros.asSlice(0, n)) >= 0) {
                lastChunk = at;
            } else if (at + n - Math.max(off, lastChunk < 0 ? off : lastChunk + chunk) >= ZERO_RUN) {
                break;
            }
        }
        if (lastChunk < 0) {
            return 0;
        }
        long end = Math.min(lastChunk + chunk, size);
        while (end > lastChunk && map.get(java.lang.foreign.ValueLayout.JAVA_BYTE, end - 1) == 0) {
            end--;
        }
        return end - off;
    }

    /**
     * Looks for any entry after {@code off} that validates and carries a position beyond the last
     * valid one: its existence proves the bytes at {@code off} are damage inside the log, not a tail.
     */
    private static boolean validEntryAfter(LogSegment segment, long off, long end, long expected) {
        long cap = segment.capacity();
        for (long at = off + ALIGNMENT; at + HEADER_LENGTH <= Math.min(cap, end); at += ALIGNMENT) {
            int len = segment.lengthAt(at);
            if (len < HEADER_LENGTH || (len & (ALIGNMENT - 1)) != 0 || at + len > cap) {
                continue;
            }
            long position = segment.positionAt(at);
            if (position >= expected && position < expected + (cap / HEADER_LENGTH) && segment.crcMatches(at)) {
                return true;
            }
        }
        return false;
    }

    private void corruption(List<LogSegment> segments, int index, long off, int stored, int actual, String detail) {
        LogSegment segment = segments.get(index);
        if (!repair) {
            throw new CorruptLogException(segment.path(), off, stored, actual, detail);
        }
        String found = detail + String.format(" (stored crc32c 0x%08x, computed 0x%08x)", stored, actual);
        int firstDeleted;
        if (off < SegmentHeaderDescriptor.HEADER_LENGTH) {
            // The segment itself is out of place: none of it can be kept.
            firstDeleted = index;
        } else {
            long dropped = nonZeroExtent(segment, off);
            boolean zeroed = segment.truncate(segment.entryCount(), (int) off, off + dropped);
            bytesTruncated += dropped;
            record(Kind.DAMAGE_TRUNCATED, segment.path(), off, dropped, found + deferred(zeroed));
            firstDeleted = index + 1;
        }
        for (int j = segments.size() - 1; j >= firstDeleted; j--) {
            LogSegment later = segments.remove(j);
            long size = later.capacity();
            later.close();
            deleteFile(later.path());
            record(Kind.SEGMENT_DELETED, later.path(), 0, size, "after damage in " + segment.path().getFileName()
                    + " at offset " + off + ": " + found);
        }
    }

    // Pass 4
    private long dropIncompleteBatch(List<LogSegment> segments, long last) {
        if (segments.isEmpty() || last == 0) {
            return last;
        }
        LogSegment segment = segments.get(segments.size() - 1);
        int count = segment.entryCount();
        if (count == 0 || segment.batchRemainingAt(segment.offsets().get(count - 1)) == 0) {
            return last;
        }
        int keep = count - 1;
        while (keep > 0 && segment.batchRemainingAt(segment.offsets().get(keep - 1)) > 0) {
            keep--;
        }
        long from = segment.offsets().get(keep);
        long dropped = segment.writeOffset() - from;
        boolean zeroed = segment.truncate(keep, (int) from, segment.writeOffset());
        int droppedEntries = count - keep;
        bytesTruncated += dropped;
        entriesDropped += droppedEntries;
        record(Kind.INCOMPLETE_BATCH_DROPPED, segment.path(), from, dropped, droppedEntries + " entries, positions "
                + (last - droppedEntries + 1) + ".." + last + deferred(zeroed));
        return last - droppedEntries;
    }

    private void record(Kind kind, Path file, long offset, long bytes, String detail) {
        Action action = new Action(kind, file.getFileName().toString(), offset, bytes, detail);
        actions.add(action);
        LOG.warn("log recovery in {}: {}", directory, action);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // only for the report; the delete that follows says whether the file is usable
        }
    }

    /**
     * Zeroing dropped bytes writes to the file, which fails on a full disk; the store still opens and
     * serves reads, and the zeroing is retried before the next entry is written.
     */
    private static String deferred(boolean zeroed) {
        return zeroed ? "" : "; zeroing the dropped bytes failed (disk full?), it is retried before the next write";
    }

    private static void deleteFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageFailureException("cannot delete", file, e);
        }
    }
}
