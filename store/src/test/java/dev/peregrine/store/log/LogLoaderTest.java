package dev.peregrine.store.log;

import dev.peregrine.store.index.IndexMemory;
import dev.peregrine.store.CorruptLogException;
import dev.peregrine.store.RecoveryReport;
import dev.peregrine.store.RecoveryReport.Action;
import dev.peregrine.store.RecoveryReport.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.peregrine.store.log.FileBytes.flip;
import static dev.peregrine.store.log.FileBytes.read;
import static dev.peregrine.store.log.FileBytes.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link LogLoader} on its own: logs written through the real write path, damaged by hand, loaded,
 * and the {@link RecoveryReport} checked field by field.
 */
class LogLoaderTest {

    private static final int SEGMENT_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    /** Where each written position lives, to damage it precisely. */
    private record Written(Path file, long offset, int length, int batchRemaining) {
    }

    private final List<Written> written = new ArrayList<>();

    /** Writes batches of events with the given sizes (one array per batch); returns the last position. */
    private long writeBatches(Random random, int[]... batches) {
        TestEntries entries = new TestEntries(random);
        long last = written.size();
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_BYTES, loadedSegments(), IndexMemory.HEAP)) {
            for (int[] batch : batches) {
                long[] offsets = entries.batch(log, last, batch);
                Path file = log.active().path();
                for (int i = 0; i < batch.length; i++) {
                    written.add(new Written(file, offsets[i], TestEntries.lengthOf(batch[i]), batch.length - 1 - i));
                }
                last += batch.length;
            }
            log.forceDirty();
        }
        return last;
    }

    private List<LogSegment> loadedSegments() {
        return written.isEmpty() ? List.of() : LogLoader.load(dir, false, IndexMemory.HEAP).segments();
    }

    private static int[] sizes(int... s) {
        return s;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(SegmentHeaderDescriptor.SUFFIX)).sorted().toList();
        }
    }

    private static LogLoader.Result load(Path dir, boolean repair) {
        LogLoader.Result r = LogLoader.load(dir, repair, IndexMemory.HEAP);
        r.segments().forEach(LogSegment::close);
        return r;
    }

    /** @return bytes from {@code offset} up to and including the last non-zero byte of the file */
    private static long nonZeroExtent(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int end = all.length;
        while (end > offset && all[end - 1] == 0) {
            end--;
        }
        return end - offset;
    }

    @Test
    void aCleanLogLoadsEveryEntryAndReportsNothing() throws IOException {
        long last = writeBatches(new Random(1), sizes(100, 200), sizes(3000), sizes(5000, 5000), sizes(10), sizes(7000));
        assertThat(segmentFiles()).hasSizeGreaterThan(1);
        LogLoader.Result r = LogLoader.load(dir, false, IndexMemory.HEAP);
        try {
            assertThat(r.lastPosition()).isEqualTo(last);
            assertThat(r.segments().stream().mapToInt(LogSegment::entryCount).sum()).isEqualTo((int) last);
            for (long p = 1; p <= last; p++) {
                Written w = written.get((int) p - 1);
                LogSegment s = r.segments().stream().filter(x -> x.path().equals(w.file())).findFirst().orElseThrow();
                assertThat(s.offsetOf(p)).isEqualTo(w.offset());
            }
            RecoveryReport report = r.report(7);
            assertThat(report.clean()).isTrue();
            assertThat(report.bytesTruncated()).isZero();
            assertThat(report.entriesDropped()).isZero();
            assertThat(report.entriesReplayed()).isEqualTo(7);
        } finally {
            r.segments().forEach(LogSegment::close);
        }
    }

    @Test
    void aTornTailIsTruncatedZeroedAndReported() throws IOException {
        long last = writeBatches(new Random(2), sizes(100), sizes(200), sizes(900));
        Written tail = written.getLast();
        write(tail.file(), tail.offset() + tail.length() / 2, new byte[tail.length() - tail.length() / 2]);
        long torn = nonZeroExtent(tail.file(), tail.offset());

        LogLoader.Result r = load(dir, false);
        assertThat(r.lastPosition()).isEqualTo(last - 1);
        RecoveryReport report = r.report(0);
        assertThat(report.actions()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Kind.TORN_TAIL_TRUNCATED);
            assertThat(a.file()).isEqualTo(tail.file().getFileName().toString());
            assertThat(a.offset()).isEqualTo(tail.offset());
            assertThat(a.bytes()).isEqualTo(torn);
        });
        assertThat(report.bytesTruncated()).isEqualTo(torn);
        assertThat(report.entriesDropped()).isZero();
        assertThat(report.filesRepaired()).isZero();
        assertThat(report.filesDeleted()).isZero();
        assertThat(read(tail.file(), tail.offset(), tail.length())).as("zeroed on disk").containsOnly(0);
        assertThat(load(dir, false).report(0).clean()).as("recovery is done once").isTrue();
    }

    @Test
    void anIncompleteBatchIsDroppedWhole() throws IOException {
        long last = writeBatches(new Random(3), sizes(100, 100), sizes(50));
        // A batch of three whose last entry never reached the file.
        TestEntries entries = new TestEntries(new Random(4));
        long first;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_BYTES, loadedSegments(), IndexMemory.HEAP)) {
            LogSegment s = log.ensureRoom(3 * TestEntries.lengthOf(300), last + 1);
            long[] offsets = entries.stage(s, last, 2, 300, 300, 300);
            entries.flush();
            s.force();
            first = offsets[0];
        }
        int dropped = 2 * TestEntries.lengthOf(300);

        LogLoader.Result r = load(dir, false);
        assertThat(r.lastPosition()).isEqualTo(last);
        RecoveryReport report = r.report(0);
        assertThat(report.actions()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Kind.INCOMPLETE_BATCH_DROPPED);
            assertThat(a.offset()).isEqualTo(first);
            assertThat(a.bytes()).isEqualTo(dropped);
            assertThat(a.detail()).contains((last + 1) + ".." + (last + 2));
        });
        assertThat(report.entriesDropped()).isEqualTo(2);
        assertThat(report.bytesTruncated()).isEqualTo(dropped);
        assertThat(read(written.getLast().file(), first, dropped)).containsOnly(0);
    }

    @Test
    void damageFollowedByAValidEntryIsCorruptionNotATail() throws IOException {
        writeBatches(new Random(5), sizes(100), sizes(100), sizes(100), sizes(100));
        Written victim = written.get(1);
        flip(victim.file(), victim.offset() + EntryDescriptor.HEADER_LENGTH + 7);
        byte[] before = Files.readAllBytes(victim.file());
        assertThatThrownBy(() -> load(dir, false)).isInstanceOfSatisfying(CorruptLogException.class, e -> {
            assertThat(e.file()).isEqualTo(victim.file());
            assertThat(e.offset()).isEqualTo(victim.offset());
            assertThat(e.expectedCrc()).isNotEqualTo(e.actualCrc());
            assertThat(e.getMessage()).contains("expected position 2");
        });
        assertThat(Files.readAllBytes(victim.file())).as("a refused load changes nothing").isEqualTo(before);
    }

    @Test
    void damageInAnOlderSegmentIsCorruptionEvenAtItsEnd() throws IOException {
        writeBatches(new Random(6), sizes(6000), sizes(6000), sizes(6000), sizes(6000));
        List<Path> files = segmentFiles();
        assertThat(files).hasSizeGreaterThan(1);
        Written lastOfFirst = written.stream().filter(w -> w.file().equals(files.getFirst())).reduce((a, b) -> b).orElseThrow();
        flip(lastOfFirst.file(), lastOfFirst.offset() + lastOfFirst.length() - 1);
        assertThatThrownBy(() -> load(dir, false)).isInstanceOfSatisfying(CorruptLogException.class, e -> {
            assertThat(e.file()).isEqualTo(files.getFirst());
            assertThat(e.offset()).isEqualTo(lastOfFirst.offset());
        });
    }

    @Test
    void repairTruncatesAtTheDamageAndDeletesEveryLaterSegment() throws IOException {
        writeBatches(new Random(7), sizes(3000), sizes(3000), sizes(3000), sizes(6000), sizes(6000), sizes(6000), sizes(6000));
        List<Path> files = segmentFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        Written victim = written.get(1);
        assertThat(victim.file()).isEqualTo(files.getFirst());
        flip(victim.file(), victim.offset() + EntryDescriptor.POSITION_OFFSET);
        long truncated = nonZeroExtent(victim.file(), victim.offset());

        LogLoader.Result r = load(dir, true);
        assertThat(r.lastPosition()).isEqualTo(1);
        RecoveryReport report = r.report(1);
        List<Action> actions = report.actions();
        assertThat(actions.getFirst().kind()).isEqualTo(Kind.DAMAGE_TRUNCATED);
        assertThat(actions.getFirst().file()).isEqualTo(files.getFirst().getFileName().toString());
        assertThat(actions.getFirst().offset()).isEqualTo(victim.offset());
        assertThat(actions.getFirst().bytes()).isEqualTo(truncated);
        assertThat(actions.subList(1, actions.size())).extracting(Action::kind).containsOnly(Kind.SEGMENT_DELETED);
        assertThat(actions.subList(1, actions.size())).extracting(Action::file).containsExactlyInAnyOrderElementsOf(
                files.subList(1, files.size()).stream().map(p -> p.getFileName().toString()).toList());
        assertThat(report.filesRepaired()).isEqualTo(1);
        assertThat(report.filesDeleted()).isEqualTo(files.size() - 1);
        assertThat(report.bytesTruncated()).isEqualTo(truncated);
        assertThat(segmentFiles()).containsExactly(files.getFirst());
        assertThat(load(dir, false).lastPosition()).as("repaired for good").isEqualTo(1);
    }

    @Test
    void aMissingSegmentIsCorruptionAndRepairKeepsWhatPrecedesIt() throws IOException {
        writeBatches(new Random(8), sizes(6000), sizes(6000), sizes(6000), sizes(6000), sizes(6000), sizes(6000));
        List<Path> files = segmentFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        Files.delete(files.get(1));
        assertThatThrownBy(() -> load(dir, false)).isInstanceOfSatisfying(CorruptLogException.class, e -> {
            assertThat(e.file()).isEqualTo(files.get(2));
            assertThat(e.offset()).isEqualTo(SegmentHeaderDescriptor.BASE_POSITION_OFFSET);
        });
        long kept = written.stream().filter(w -> w.file().equals(files.getFirst())).count();
        LogLoader.Result r = load(dir, true);
        assertThat(r.lastPosition()).isEqualTo(kept);
        assertThat(r.report(0).actions()).extracting(Action::kind).containsOnly(Kind.SEGMENT_DELETED);
        assertThat(r.report(0).filesDeleted()).isEqualTo(files.size() - 2);
        assertThat(r.report(0).bytesTruncated()).isZero();
        assertThat(segmentFiles()).containsExactly(files.getFirst());
    }

    @Test
    void aBlankLastSegmentIsDeletedAndADamagedOneIsNot() throws IOException {
        long last = writeBatches(new Random(9), sizes(100), sizes(100));
        Path blank = dir.resolve(SegmentHeaderDescriptor.fileName(last + 1));
        byte[] partialHeader = new byte[SEGMENT_BYTES];
        SegmentHeaderDescriptor.encode(last + 1, SEGMENT_BYTES, 0).get(0, partialHeader, 0, 20); // cut short
        Files.write(blank, partialHeader);

        LogLoader.Result r = load(dir, false);
        assertThat(r.lastPosition()).isEqualTo(last);
        assertThat(r.report(0).actions()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Kind.BLANK_SEGMENT_DELETED);
            assertThat(a.file()).isEqualTo(blank.getFileName().toString());
            assertThat(a.bytes()).isEqualTo(SEGMENT_BYTES);
        });
        assertThat(r.report(0).filesDeleted()).isEqualTo(1);
        assertThat(blank).doesNotExist();

        partialHeader[SEGMENT_BYTES - 1] = 1; // something after the broken header: not an interrupted creation
        Files.write(blank, partialHeader);
        assertThatThrownBy(() -> load(dir, false)).isInstanceOf(CorruptLogException.class);
        assertThat(blank).exists();
    }

    /**
     * A crash may cut the last segment's written bytes anywhere. Whatever the cut, recovery keeps
     * exactly the complete batches before it, says so in the report, and is done in one open.
     */
    @Test
    void aCutAnywhereKeepsExactlyTheCompleteBatchesBeforeIt() throws IOException {
        long seed = Long.getLong("loader.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int round = 0; round < 25; round++) {
            String context = "seed " + seed + ", round " + round;
            written.clear();
            for (Path p : segmentFiles()) {
                Files.delete(p);
            }
            int[][] batches = new int[1 + random.nextInt(30)][];
            for (int b = 0; b < batches.length; b++) {
                batches[b] = new int[1 + random.nextInt(4)];
                for (int i = 0; i < batches[b].length; i++) {
                    batches[b][i] = random.nextInt(1200);
                }
            }
            writeBatches(random, batches);
            Path lastFile = written.getLast().file();
            Written firstInLast = written.stream().filter(w -> w.file().equals(lastFile)).findFirst().orElseThrow();
            long end = written.getLast().offset() + written.getLast().length();
            long cut = firstInLast.offset() + (long) (random.nextDouble() * (end - firstInLast.offset()));
            int toZero = (int) (end - cut);
            // Zeroing bytes that were zero already (an entry's padding) changes nothing: the cut that
            // counts is the first non-zero byte it wipes.
            byte[] before = Files.readAllBytes(lastFile);
            long wiped = cut;
            while (wiped < end && before[(int) wiped] == 0) {
                wiped++;
            }
            write(lastFile, cut, new byte[toZero]);

            long expected = 0; // the last position of the last batch entirely before the cut
            long whole = 0; // entries entirely before the cut
            for (Written w : written) {
                if (w.file().equals(lastFile) && w.offset() + w.length() > wiped) {
                    break;
                }
                whole++;
                if (w.batchRemaining() == 0) {
                    expected = whole;
                }
            }
            LogLoader.Result r = load(dir, false);
            RecoveryReport report = r.report(0);
            assertThat(r.lastPosition()).as(context + ", cut at " + cut + ": " + report).isEqualTo(expected);
            assertThat(report.bytesTruncated()).as(context).isEqualTo(report.actions().stream().mapToLong(Action::bytes).sum());
            assertThat(report.actions()).as(context).extracting(Action::kind)
                    .doesNotContain(Kind.DAMAGE_TRUNCATED, Kind.SEGMENT_DELETED, Kind.BLANK_SEGMENT_DELETED);
            assertThat(report.entriesDropped()).as(context + ": whole entries of the cut batch").isEqualTo(whole - expected);
            LogLoader.Result again = load(dir, false);
            assertThat(again.lastPosition()).as(context).isEqualTo(expected);
            assertThat(again.report(0).clean()).as(context + ": recovery is done in one open").isTrue();
        }
    }
}
