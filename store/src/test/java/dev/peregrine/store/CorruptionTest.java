package dev.peregrine.store;

import dev.peregrine.store.framing.DamageChecks;
import dev.peregrine.store.framing.FramingDescriptor;
import dev.peregrine.store.internal.DictionaryFile;
import dev.peregrine.store.internal.SnapshotStore;
import dev.peregrine.store.log.EntryDescriptor;
import dev.peregrine.store.log.SegmentHeaderDescriptor;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.peregrine.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damage written by hand: torn tails are truncated, damage anywhere else stops the open. */
class CorruptionTest {

    @TempDir
    Path dir;

    private static StoreOptions options(boolean repair) {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(64 * 1024)
                .repairCorruption(repair).build();
    }

    private void fill(int events) {
        try (EventStore store = EventStore.open(dir, options(false))) {
            for (int i = 0; i < events; i++) {
                store.append(event(store, "t", "e" + (i % 3), "{\"i\":" + i + ",\"pad\":\"" + "p".repeat(100) + "\"}").build());
            }
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("log"))) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    /** @return offsets of the entries in a segment file, read by walking the length fields */
    private static List<Long> entryOffsets(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> offsets = new ArrayList<>();
        int off = SegmentHeaderDescriptor.HEADER_LENGTH;
        while (off + EntryDescriptor.HEADER_LENGTH <= bytes.length && b.getInt(off) != 0) {
            offsets.add((long) off);
            off += b.getInt(off);
        }
        return offsets;
    }

    private static void write(Path file, long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(bytes);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x40);
        }
    }

    @Test
    void tornLastEntryIsTruncatedAndItsPositionReused() throws IOException {
        fill(50);
        Path last = segments().getLast();
        List<Long> offsets = entryOffsets(last);
        long tail = offsets.getLast();
        // Half of the last entry never reached the disk: zero its second half.
        ByteBuffer len = ByteBuffer.wrap(Files.readAllBytes(last)).order(ByteOrder.LITTLE_ENDIAN);
        int length = len.getInt((int) tail);
        write(last, tail + length / 2, new byte[length - length / 2]);
        try (EventStore store = EventStore.open(dir, options(false))) {
            assertThat(store.lastPosition()).isEqualTo(49);
            RecoveryReport report = store.diagnostics().recovery();
            assertThat(report.actions()).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo(RecoveryReport.Kind.TORN_TAIL_TRUNCATED);
                assertThat(a.file()).isEqualTo(last.getFileName().toString());
                assertThat(a.offset()).isEqualTo(tail);
                assertThat(a.bytes()).isPositive().isLessThanOrEqualTo(length / 2);
            });
            assertThat(report.bytesTruncated()).isEqualTo(report.actions().getFirst().bytes());
            assertThat(report.entriesDropped()).isZero();
            assertThat(report.filesRepaired()).isZero();
            assertThat(report.filesDeleted()).isZero();
            assertThat(StoreInternals.read(store, 49, 1).getFirst().payload().getLong("i")).isEqualTo(48);
            AppendResult again = store.append(event(store, "t", "e9", "{\"i\":999}").build());
            assertThat(again.position()).isEqualTo(50);
        }
        try (EventStore store = EventStore.open(dir, options(false))) {
            assertThat(StoreInternals.read(store, 50, 1).getFirst().payload().getLong("i")).isEqualTo(999);
            RecoveryReport report = store.diagnostics().recovery();
            assertThat(report.clean()).isTrue();
            assertThat(report.bytesTruncated()).isZero();
            assertThat(report.entriesReplayed()).as("the clean close left an index checkpoint").isZero();
        }
    }

    @Test
    void garbageAfterTheLastEntryIsTruncated() throws IOException {
        fill(20);
        Path last = segments().getLast();
        long end = entryOffsets(last).getLast();
        end += ByteBuffer.wrap(Files.readAllBytes(last)).order(ByteOrder.LITTLE_ENDIAN).getInt((int) end);
        byte[] garbage = new byte[300];
        new Random(7).nextBytes(garbage);
        write(last, end, garbage);
        int written = garbage.length;
        while (garbage[written - 1] == 0) {
            written--; // trailing zeros are indistinguishable from the untouched file
        }
        long garbageEnd = end;
        long garbageBytes = written;
        try (EventStore store = EventStore.open(dir, options(false))) {
            assertThat(store.lastPosition()).isEqualTo(20);
            RecoveryReport report = store.diagnostics().recovery();
            assertThat(report.actions())
                    .extracting(RecoveryReport.Action::kind, RecoveryReport.Action::file, RecoveryReport.Action::offset,
                            RecoveryReport.Action::bytes)
                    .containsExactly(Tuple.tuple(RecoveryReport.Kind.TORN_TAIL_TRUNCATED, last.getFileName().toString(),
                            garbageEnd, garbageBytes));
            assertThat(report.bytesTruncated()).isEqualTo(garbageBytes);
        }
    }

    @Test
    void flippedByteInAnOlderSegmentRefusesToOpenAndNamesSegmentAndOffset() throws IOException {
        fill(1500);
        List<Path> segments = segments();
        assertThat(segments).hasSizeGreaterThan(2);
        Path first = segments.getFirst();
        List<Long> offsets = entryOffsets(first);
        long victim = offsets.get(offsets.size() / 2);
        flipByte(first, victim + EntryDescriptor.HEADER_LENGTH + 3); // inside the payload
        assertThatThrownBy(() -> EventStore.open(dir, options(false)))
                .isInstanceOfSatisfying(CorruptLogException.class, e -> {
                    assertThat(e.file()).isEqualTo(first);
                    assertThat(e.offset()).isEqualTo(victim);
                    assertThat(e.expectedCrc()).isNotEqualTo(e.actualCrc());
                    assertThat(e.getMessage()).contains(first.getFileName().toString()).contains("offset " + victim)
                            .containsPattern("0x[0-9a-f]{8}");
                });
        // Nothing was changed by the refused open: it fails the same way again.
        assertThatThrownBy(() -> EventStore.open(dir, options(false))).isInstanceOf(CorruptLogException.class);

        try (EventStore store = EventStore.open(dir, options(true))) {
            long kept = offsets.size() / 2; // entries before the damaged one
            assertThat(store.lastPosition()).isEqualTo(kept);
            RecoveryReport report = store.diagnostics().recovery();
            assertThat(report.actions()).first().satisfies(a -> {
                assertThat(a.kind()).isEqualTo(RecoveryReport.Kind.DAMAGE_TRUNCATED);
                assertThat(a.file()).isEqualTo(first.getFileName().toString());
                assertThat(a.offset()).isEqualTo(victim);
                assertThat(a.detail()).contains("CRC-32C mismatch").doesNotContain(dir.toString());
            });
            assertThat(report.actions().subList(1, report.actions().size()))
                    .extracting(RecoveryReport.Action::kind, RecoveryReport.Action::file)
                    .containsExactlyInAnyOrderElementsOf(segments.subList(1, segments.size()).stream()
                            .map(p -> Tuple.tuple(RecoveryReport.Kind.SEGMENT_DELETED,
                                    p.getFileName().toString())).toList());
            assertThat(report.filesRepaired()).isEqualTo(1);
            assertThat(report.filesDeleted()).isEqualTo(segments.size() - 1);
            assertThat(report.entriesReplayed()).as("the checkpoint was past the repaired end").isEqualTo(kept);
            assertThat(store.stats().segments()).isEqualTo(1);
            assertThat(StoreInternals.read(store, kept, 1).getFirst().payload().getLong("i")).isEqualTo(kept - 1);
            assertThat(store.append(event(store, "t", "e", "{}").build()).position()).isEqualTo(kept + 1);
        }
        try (EventStore store = EventStore.open(dir, options(false))) {
            assertThat(store.lastPosition()).isEqualTo(offsets.size() / 2 + 1);
        }
    }

    @Test
    void flippedByteInTheLastSegmentWithValidEntriesAfterIsCorruptionNotATail() throws IOException {
        fill(30);
        Path last = segments().getLast();
        List<Long> offsets = entryOffsets(last);
        long victim = offsets.get(offsets.size() / 2);
        flipByte(last, victim + EntryDescriptor.POSITION_OFFSET);
        assertThatThrownBy(() -> EventStore.open(dir, options(false)))
                .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.offset()).isEqualTo(victim));
    }

    /** Writes {@code version} into a header and recomputes the header CRC-32C over [0, crcOffset). */
    private static void rewriteVersion(Path file, int versionOffset, int crcOffset, int version) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(Arrays.copyOf(Files.readAllBytes(file), crcOffset)).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(versionOffset, version);
        CRC32C crc = new CRC32C();
        crc.update(header.array());
        write(file, 0, header.array());
        write(file, crcOffset, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array());
    }

    @Test
    void segmentOfANewerFormatVersionIsUnsupportedNotCorrupt() throws IOException {
        fill(30);
        Path first = segments().getFirst();
        int newer = SegmentHeaderDescriptor.REWRITTEN_VERSION + 1;
        rewriteVersion(first, SegmentHeaderDescriptor.VERSION_OFFSET, SegmentHeaderDescriptor.CRC_OFFSET, newer);
        for (boolean repair : new boolean[] {false, true}) {
            assertThatThrownBy(() -> EventStore.open(dir, options(repair)))
                    .as("repair %s", repair)
                    .isInstanceOfSatisfying(UnsupportedFormatException.class, e -> {
                        assertThat(e.file()).isEqualTo(first);
                        assertThat(e.found()).isEqualTo(newer);
                        assertThat(e.maxSupported()).isEqualTo(SegmentHeaderDescriptor.REWRITTEN_VERSION);
                        assertThat(e.tooNew()).isTrue();
                        assertThat(e.getMessage()).contains(first.toString()).contains("version " + newer)
                                .contains("newer release");
                    });
        }
    }

    @Test
    void dictionaryOfAnotherFormatVersionIsUnsupportedNotCorrupt() throws IOException {
        fill(5);
        Path dict = dir.resolve("fields.dict");
        int newer = DictionaryFile.FORMAT.currentVersion() + 1;
        DamageChecks.rewriteVersion(dict, newer, false);
        assertThatThrownBy(() -> EventStore.open(dir, options(false)))
                .isInstanceOfSatisfying(UnsupportedFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(dict);
                    assertThat(e.found()).isEqualTo(newer);
                    assertThat(e.minSupported()).isEqualTo(DictionaryFile.FORMAT.oldestVersion());
                    assertThat(e.tooNew()).isTrue();
                });
    }

    @Test
    void damagedDictionaryIsReported() throws IOException {
        fill(5);
        Path dict = dir.resolve("fields.dict");
        flipByte(dict, FramingDescriptor.headerLength(DictionaryFile.FORMAT.name().length()) + 4);
        Files.write(dict, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> EventStore.open(dir, options(false)))
                .isInstanceOfSatisfying(CorruptFileException.class, e -> {
                    assertThat(e).isNotInstanceOf(CorruptLogException.class);
                    assertThat(e.file()).isEqualTo(dict);
                    assertThat(e.getMessage()).contains(dict.toString()).contains("at byte " + e.offset());
                });
    }

    @Test
    void tornDictionaryTailIsTruncated() throws IOException {
        fill(5);
        Path dict = dir.resolve("fields.dict");
        Files.write(dict, new byte[] {9, 0, 0, 0, 1, 2}, java.nio.file.StandardOpenOption.APPEND);
        try (EventStore store = EventStore.open(dir, options(false))) {
            assertThat(StoreInternals.read(store, 5, 1).getFirst().payload().getLong("i")).isEqualTo(4);
        }
    }

    @Test
    void damagedIndexCheckpointIsIgnoredAndIndexesRebuilt() throws IOException {
        fill(40);
        Path ckpt = dir.resolve("index.ckpt");
        assertThat(ckpt).exists();
        flipByte(ckpt, Files.size(ckpt) / 2);
        try (EventStore store = EventStore.open(dir, options(false))) {
            assertThat(store.diagnostics().recovery().entriesReplayed()).isEqualTo(40);
            assertThat(store.diagnostics().recovery().clean()).isTrue();
            assertThat(store.query(Query.builder().entityId("e1").build()).events()).hasSize(13);
            assertThat(store.streamVersion("e0")).isEqualTo(14);
        }
    }

    @Test
    void damagedDerivedFilesCostSpeedNotData() throws Exception {
        StoreOptions options = StoreOptions.builder().durability(Durability.none()).snapshotEvery(3)
                .followerCheckpointEvery(5).build();
        String expectedState;
        try (EventStore store = EventStore.open(dir, options)) {
            for (int i = 0; i < 30; i++) {
                store.append(event(store, "t", "e" + (i % 2), "{\"i\":" + i + ",\"k" + (i % 5) + "\":" + i + "}").build());
            }
            store.awaitProjections(java.time.Duration.ofSeconds(10));
            expectedState = store.reconstruct("e1", null).state().toJson();
            // Automatic snapshots are written by their own worker, after the appends return: wait for one.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (store.latestSnapshot("e1").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.latestSnapshot("e1")).isPresent();
        }
        Path snapshots = dir.resolve("snapshots.dat");
        flipByte(snapshots, FramingDescriptor.headerLength(SnapshotStore.FORMAT.name().length()) + 12);
        Path counters = dir.resolve("projections").resolve("event_counters.ckpt");
        flipByte(counters, Files.size(counters) / 2);
        try (EventStore store = EventStore.open(dir, options)) {
            assertThat(store.reconstruct("e1", null).state().toJson()).isEqualTo(expectedState);
            store.awaitProjections(java.time.Duration.ofSeconds(10));
            assertThat(store.projection("event_counters").orElseThrow().state("t").orElseThrow().getLong("count"))
                    .isEqualTo(30);
            assertThat(store.projection("entity_snapshots").orElseThrow().state("e1").orElseThrow().toJson())
                    .isEqualTo(expectedState);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("snapshots.dat.corrupt-"));
        }
    }
}
