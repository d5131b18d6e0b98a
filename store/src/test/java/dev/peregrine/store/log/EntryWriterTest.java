package dev.peregrine.store.log;

import dev.peregrine.store.index.IndexMemory;
import dev.peregrine.store.StorageFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link EntryWriter} and {@link EntryFields} on their own: staging, one write per flush, growth, failure. */
class EntryWriterTest {

    private static final int BYTES = 1024 * 1024;

    @TempDir
    Path dir;

    private final Random random = new Random(11);
    private final EntryWriter writer = new EntryWriter();
    private final EntryFields fields = new EntryFields();

    private LogSegment segment(long base) {
        return LogSegment.create(dir.resolve(SegmentHeaderDescriptor.fileName(base)), base, BYTES, IndexMemory.HEAP);
    }

    private MemorySegment bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return MemorySegment.ofArray(b);
    }

    private long stageEvent(LogSegment s, long position, MemorySegment payload, MemorySegment metadata) {
        fields.event(position * 31, position * 17, position, TestEntries.TYPE, TestEntries.ENTITY, TestEntries.TENANT,
                payload, metadata).at(position, 5_000 + position, 0, 3);
        return writer.stage(s, fields);
    }

    private static boolean zeros(LogSegment s, long from, long to) {
        return s.memory().asSlice(from, to - from).mismatch(MemorySegment.ofArray(new byte[(int) (to - from)])) < 0;
    }

    @Test
    void stagedEntriesReachTheFileOnlyWhenFlushedAndReadBackFieldByField() {
        try (LogSegment s = segment(1)) {
            MemorySegment payload = bytes(123);
            MemorySegment metadata = bytes(45);
            long a = stageEvent(s, 1, payload, metadata);
            long b = stageEvent(s, 2, bytes(0), null);
            long c = stageEvent(s, 3, bytes(999), null);
            assertThat(a).isEqualTo(SegmentHeaderDescriptor.HEADER_LENGTH);
            assertThat(b - a).isEqualTo(EntryDescriptor.entryLength(123, 45, TestEntries.TYPE.length
                    + TestEntries.ENTITY.length + TestEntries.TENANT.length));
            assertThat((long) s.writeOffset()).as("room claimed at staging").isGreaterThan(c);
            assertThat(zeros(s, a, s.writeOffset())).as("nothing in the file before the flush").isTrue();

            writer.flush();
            for (long off : new long[] {a, b, c}) {
                assertThat(s.crcMatches(off)).isTrue();
            }
            assertThat(s.positionAt(a)).isEqualTo(1);
            assertThat(s.timestampAt(a)).isEqualTo(5_001);
            assertThat(s.idMsbAt(a)).isEqualTo(31);
            assertThat(s.idLsbAt(a)).isEqualTo(17);
            assertThat(s.versionAt(a)).isEqualTo(1);
            assertThat(s.dictionarySizeAt(a)).isEqualTo(3);
            assertThat(s.kindAt(a)).isEqualTo(EntryDescriptor.KIND_EVENT);
            assertThat(s.payloadAt(a).mismatch(payload)).isEqualTo(-1);
            assertThat(s.metadataAt(a).mismatch(metadata)).isEqualTo(-1);
            assertThat(s.memory().asSlice(s.typeOffsetAt(a), TestEntries.TYPE.length).toArray(ValueLayout.JAVA_BYTE))
                    .isEqualTo(TestEntries.TYPE);
            assertThat(s.memory().asSlice(s.entityOffsetAt(a), TestEntries.ENTITY.length).toArray(ValueLayout.JAVA_BYTE))
                    .isEqualTo(TestEntries.ENTITY);
            assertThat(s.payloadAt(b).byteSize()).isZero();
            assertThat(s.metadataAt(b)).isNull();
            assertThat(s.positionAt(c)).isEqualTo(3);
            assertThat(zeros(s, s.writeOffset(), BYTES)).as("nothing written past the entries").isTrue();
        }
    }

    @Test
    void theStagingBufferGrowsPastItsFirst64KiB() {
        try (LogSegment s = segment(1)) {
            MemorySegment[] payloads = new MemorySegment[12];
            long[] offsets = new long[payloads.length];
            for (int i = 0; i < payloads.length; i++) {
                payloads[i] = bytes(i == 5 ? 150_000 : 9_000 + i); // one entry larger than the whole first buffer
                offsets[i] = stageEvent(s, i + 1, payloads[i], null);
            }
            assertThat(s.writeOffset()).isGreaterThan(3 * 64 * 1024);
            writer.flush();
            for (int i = 0; i < payloads.length; i++) {
                assertThat(s.crcMatches(offsets[i])).as("entry %d", i).isTrue();
                assertThat(s.positionAt(offsets[i])).isEqualTo(i + 1);
                assertThat(s.payloadAt(offsets[i]).mismatch(payloads[i])).as("entry %d", i).isEqualTo(-1);
            }
            // Reused after growth: the next flush writes only the next entry, and its padding is zero
            // although the buffer held other bytes there before.
            long next = stageEvent(s, 13, bytes(5), null);
            writer.flush();
            assertThat(s.crcMatches(next)).isTrue();
            assertThat(zeros(s, next + EntryDescriptor.HEADER_LENGTH + 5, next + EntryDescriptor.HEADER_LENGTH + 8)).isTrue();
            long stringsEnd = s.typeOffsetAt(next) + TestEntries.TYPE.length + TestEntries.ENTITY.length
                    + TestEntries.TENANT.length;
            assertThat(zeros(s, stringsEnd, next + s.lengthAt(next))).isTrue();
            assertThat(zeros(s, next + s.lengthAt(next), BYTES)).isTrue();
        }
    }

    @Test
    void aFailedFlushGivesTheSpaceBackAndItsEntriesNeverReachTheFile() {
        LogSegment failing = segment(1);
        stageEvent(failing, 1, bytes(300), bytes(20));
        stageEvent(failing, 2, bytes(300), null);
        failing.close(); // its file can no longer be written: the flush's write fails for real
        assertThatThrownBy(writer::flush).isInstanceOfSatisfying(StorageFailureException.class,
                e -> assertThat(e.outcome()).isEqualTo(StorageFailureException.Outcome.NOT_WRITTEN));
        assertThat(failing.writeOffset()).as("rolled back to where the staged entries began")
                .isEqualTo(SegmentHeaderDescriptor.HEADER_LENGTH);

        try (LogSegment s = segment(1_000)) {
            long off = stageEvent(s, 1_000, bytes(7), null);
            writer.flush();
            assertThat(off).isEqualTo(SegmentHeaderDescriptor.HEADER_LENGTH);
            assertThat(s.positionAt(off)).isEqualTo(1_000);
            assertThat(s.crcMatches(off)).isTrue();
            assertThat(zeros(s, off + s.lengthAt(off), BYTES)).as("the failed entries were dropped, not carried over")
                    .isTrue();
        }
    }

    @Test
    void refillingTheEntryFieldsLeavesNothingOfThePreviousEntry() {
        try (LogSegment s = segment(1)) {
            long event = stageEvent(s, 1, bytes(64), bytes(32));
            byte[] tombstoneType = "$tombstone".getBytes(StandardCharsets.US_ASCII);
            fields.tombstone(7, 8, tombstoneType, TestEntries.ENTITY, TestEntries.TENANT).at(2, 6_000, 0, 3);
            long tombstone = writer.stage(s, fields);
            writer.flush();
            assertThat(s.metadataAt(event)).isNotNull();
            assertThat(s.kindAt(tombstone)).isEqualTo(EntryDescriptor.KIND_TOMBSTONE);
            assertThat(s.versionAt(tombstone)).isZero();
            assertThat(s.payloadLengthAt(tombstone)).isZero();
            assertThat(s.metadataLengthAt(tombstone)).isZero();
            assertThat(s.typeLengthAt(tombstone)).isEqualTo(tombstoneType.length);
            assertThat(s.lengthAt(tombstone)).isEqualTo(EntryDescriptor.entryLength(0, 0,
                    tombstoneType.length + TestEntries.ENTITY.length + TestEntries.TENANT.length));
            assertThat(s.crcMatches(tombstone)).isTrue();
        }
    }

    @Test
    void stagingIntoAnotherSegmentBeforeAFlushIsRefused() {
        try (LogSegment first = segment(1); LogSegment second = segment(2)) {
            stageEvent(first, 1, bytes(10), null);
            int before = second.writeOffset();
            assertThatThrownBy(() -> stageEvent(second, 2, bytes(10), null)).isInstanceOf(IllegalStateException.class);
            assertThat(second.writeOffset()).as("nothing claimed").isEqualTo(before);
            writer.flush();
            assertThat(first.crcMatches(SegmentHeaderDescriptor.HEADER_LENGTH)).isTrue();
        }
    }
}
