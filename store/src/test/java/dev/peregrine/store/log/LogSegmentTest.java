package dev.peregrine.store.log;

import dev.peregrine.store.index.IndexMemory;
import dev.peregrine.store.CorruptLogException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.testing.SmallFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static dev.peregrine.store.log.FileBytes.read;
import static dev.peregrine.store.log.FileBytes.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link LogSegment} on its own: creation, allocation, header, writes, discard and truncation. */
class LogSegmentTest {

    private static final int BYTES = 64 * 1024;

    @TempDir
    Path dir;

    private Path file(long base) {
        return dir.resolve(SegmentHeaderDescriptor.fileName(base));
    }

    /** @return bytes the file system has allocated to the file (Linux {@code stat}) */
    private static long allocatedBytes(Path file) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        String[] out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        assertThat(stat.waitFor()).as("stat %s: %s", file, String.join(" ", out)).isZero();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    @Test
    void createAllocatesEveryBlockWritesTheHeaderAndOpenReadsItBack() throws Exception {
        Path path = file(42);
        try (LogSegment s = LogSegment.create(path, 42, BYTES, IndexMemory.HEAP)) {
            assertThat(s.basePosition()).isEqualTo(42);
            assertThat(s.capacity()).isEqualTo(BYTES);
            assertThat(s.writeOffset()).isEqualTo(SegmentHeaderDescriptor.HEADER_LENGTH);
            assertThat(s.remaining()).isEqualTo(BYTES - SegmentHeaderDescriptor.HEADER_LENGTH);
            assertThat(s.entryCount()).isZero();
        }
        assertThat(Files.size(path)).isEqualTo(BYTES);
        assertThat(allocatedBytes(path)).as("no hole the mapping could fault on").isGreaterThanOrEqualTo(BYTES);
        ByteBuffer header = ByteBuffer.wrap(read(path, 0, SegmentHeaderDescriptor.HEADER_LENGTH)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(header.getLong(SegmentHeaderDescriptor.MAGIC_OFFSET)).isEqualTo(SegmentHeaderDescriptor.MAGIC);
        assertThat(header.getLong(SegmentHeaderDescriptor.BASE_POSITION_OFFSET)).isEqualTo(42);
        try (LogSegment s = LogSegment.open(path, IndexMemory.HEAP)) {
            assertThat(s.basePosition()).isEqualTo(42);
            assertThat(s.capacity()).isEqualTo(BYTES);
            assertThat(s.entryCount()).isZero();
        }
    }

    @Test
    void createRefusesAnExistingFileAndLeavesItAlone() throws Exception {
        Path path = file(1);
        byte[] before = "not yours".getBytes(StandardCharsets.US_ASCII);
        Files.write(path, before);
        assertThatThrownBy(() -> LogSegment.create(path, 1, BYTES, IndexMemory.HEAP))
                .isInstanceOfSatisfying(StorageFailureException.class,
                        e -> assertThat(e.outcome()).isEqualTo(StorageFailureException.Outcome.NOT_WRITTEN));
        assertThat(Files.readAllBytes(path)).isEqualTo(before);
    }

    @Test
    void createOnAFullDiskFailsAndLeavesNoFile() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(SmallFileSystem.Kind.TMPFS, 8, dir)) {
            fs.fill(256 * 1024);
            Path path = fs.root().resolve(SegmentHeaderDescriptor.fileName(1));
            assertThatThrownBy(() -> LogSegment.create(path, 1, 4 * 1024 * 1024, IndexMemory.HEAP))
                    .isInstanceOfSatisfying(StorageFailureException.class, e -> {
                        assertThat(e.outcome()).isEqualTo(StorageFailureException.Outcome.NOT_WRITTEN);
                        assertThat(e.diskFull()).isTrue();
                    });
            assertThat(path).doesNotExist();
            fs.freeBallast();
            LogSegment.create(path, 1, 4 * 1024 * 1024, IndexMemory.HEAP).close(); // the same call works once there is room
        }
    }

    @Test
    void openRefusesADamagedHeaderAnUnknownVersionAndAShortFile() throws Exception {
        Path path = file(1);
        LogSegment.create(path, 1, BYTES, IndexMemory.HEAP).close();
        byte[] header = read(path, 0, SegmentHeaderDescriptor.HEADER_LENGTH);

        byte[] flipped = header.clone();
        flipped[SegmentHeaderDescriptor.BASE_POSITION_OFFSET] ^= 1;
        write(path, 0, flipped);
        assertThatThrownBy(() -> LogSegment.open(path, IndexMemory.HEAP)).isInstanceOfSatisfying(CorruptLogException.class, e -> {
            assertThat(e.file()).isEqualTo(path);
            assertThat(e.offset()).isZero();
            assertThat(e.expectedCrc()).isNotEqualTo(e.actualCrc());
        });

        ByteBuffer future = SegmentHeaderDescriptor.encode(1, BYTES, 0);
        future.order(ByteOrder.LITTLE_ENDIAN).putInt(SegmentHeaderDescriptor.VERSION_OFFSET, 99);
        byte[] bytes = new byte[SegmentHeaderDescriptor.HEADER_LENGTH];
        future.get(0, bytes);
        int crc = Crc.of(MemorySegment.ofArray(bytes), 0, SegmentHeaderDescriptor.CRC_OFFSET);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(SegmentHeaderDescriptor.CRC_OFFSET, crc);
        write(path, 0, bytes);
        assertThatThrownBy(() -> LogSegment.open(path, IndexMemory.HEAP)).isInstanceOfSatisfying(UnsupportedFormatException.class, e -> {
            assertThat(e.file()).isEqualTo(path);
            assertThat(e.found()).isEqualTo(99);
            assertThat(e.maxSupported()).isEqualTo(SegmentHeaderDescriptor.REWRITTEN_VERSION);
            assertThat(e.tooNew()).isTrue();
        });

        Path small = file(2);
        Files.write(small, Arrays.copyOf(header, 10));
        assertThatThrownBy(() -> LogSegment.open(small, IndexMemory.HEAP)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("size 10");
    }

    @Test
    void writesAreReadThroughTheMappingAndIndexedByPosition() {
        Random random = new Random(1);
        TestEntries entries = new TestEntries(random);
        try (LogSegment s = LogSegment.create(file(10), 10, BYTES, IndexMemory.HEAP)) {
            long[] offsets = entries.stage(s, 9, 3, 100, 0, 333);
            entries.flush();
            for (long off : offsets) {
                s.indexEntry(off);
            }
            assertThat(s.entryCount()).isEqualTo(3);
            assertThat(offsets[0]).isEqualTo(SegmentHeaderDescriptor.HEADER_LENGTH);
            assertThat(s.writeOffset()).isEqualTo(offsets[2] + TestEntries.lengthOf(333));
            for (int i = 0; i < 3; i++) {
                long off = s.offsetOf(10 + i);
                assertThat(off).isEqualTo(offsets[i]);
                assertThat(s.positionAt(off)).isEqualTo(10 + i);
                assertThat(s.batchRemainingAt(off)).isEqualTo(2 - i);
                assertThat(s.kindAt(off)).isEqualTo(EntryDescriptor.KIND_EVENT);
                assertThat(s.crcMatches(off)).isTrue();
            }
            assertThat(s.payloadAt(offsets[1]).byteSize()).isZero();
            assertThat(s.payloadAt(offsets[2]).byteSize()).isEqualTo(333);
            assertThat(s.metadataAt(offsets[2])).isNull();
        }
    }

    @Test
    void discardGivesTheSpaceBackAndTheLeftoversAreZeroedBeforeTheNextWrite() {
        try (LogSegment s = LogSegment.create(file(1), 1, BYTES, IndexMemory.HEAP)) {
            int from = s.claim(512);
            byte[] junk = new byte[512];
            Arrays.fill(junk, (byte) 0x5A);
            s.writeAt(from, MemorySegment.ofArray(junk)); // a write whose outcome the caller treats as failed
            s.discard(from, from + 512L);
            assertThat(s.writeOffset()).isEqualTo(from);
            assertThat(s.remaining()).isEqualTo(BYTES - SegmentHeaderDescriptor.HEADER_LENGTH);
            assertThat(s.memory().get(ValueLayout.JAVA_BYTE, from + 511)).as("not zeroed yet").isEqualTo((byte) 0x5A);
            s.prepareForWrites();
            assertThat(s.memory().asSlice(from, 512).toArray(ValueLayout.JAVA_BYTE)).containsOnly(0);
            assertThat(s.claim(8)).as("the next entry goes where the failed one began").isEqualTo(from);
        }
    }

    @Test
    void prepareForWritesAllocatesASegmentAnOlderReleaseLeftSparse() throws Exception {
        Path path = file(1);
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(1024 * 1024); // sparse: only the header's block gets written
            ByteBuffer header = SegmentHeaderDescriptor.encode(1, 1024 * 1024, 0);
            f.getChannel().write(header, 0);
        }
        assertThat(allocatedBytes(path)).isLessThan(1024 * 1024);
        try (LogSegment s = LogSegment.open(path, IndexMemory.HEAP)) {
            s.recoveredTo(SegmentHeaderDescriptor.HEADER_LENGTH);
            s.prepareForWrites();
        }
        assertThat(allocatedBytes(path)).isGreaterThanOrEqualTo(1024 * 1024);
    }

    @Test
    void truncateForgetsTheEntriesAfterTheKeptOnesAndZeroesTheirBytes() throws Exception {
        Path path = file(1);
        TestEntries entries = new TestEntries(new Random(2));
        long end;
        long cut;
        try (LogSegment s = LogSegment.create(path, 1, BYTES, IndexMemory.HEAP)) {
            long[] offsets = entries.stage(s, 0, 3, 50, 60, 70);
            entries.flush();
            for (long off : offsets) {
                s.indexEntry(off);
            }
            end = s.writeOffset();
            cut = offsets[1];
            assertThat(s.truncate(1, (int) cut, end)).as("zeroed now").isTrue();
            assertThat(s.entryCount()).isEqualTo(1);
            assertThat(s.writeOffset()).isEqualTo(cut);
            assertThat(s.offsetOf(1)).isEqualTo(offsets[0]);
        }
        assertThat(read(path, cut, (int) (end - cut))).containsOnly(0);
    }
}
