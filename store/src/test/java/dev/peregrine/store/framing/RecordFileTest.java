package dev.peregrine.store.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append-only framing: records round-trip, torn tails are repaired, other damage is typed, version 1 upgrades. */
class RecordFileTest {

    private static final long SEED = Long.getLong("damage.seed", 0x4EC0_4D00L);
    private static final FileFormat FORMAT = new FileFormat("test-records", 1, 2, "TESTRECS");

    @TempDir
    Path dir;

    private static List<String> readAll(Path file, boolean repair) {
        List<String> out = new ArrayList<>();
        RecordFile.open(file, FORMAT, repair, (offset, body) -> out.add(new String(body.rest(), StandardCharsets.UTF_8)))
                .close();
        return out;
    }

    private Path writeRecords(int n) {
        Path file = dir.resolve("r.dat");
        Random rnd = new Random(SEED);
        try (RecordFile f = RecordFile.open(file, FORMAT, false, (o, b) -> { })) {
            for (int i = 0; i < n; i++) {
                long at = f.append(("record " + i + " " + "x".repeat(rnd.nextInt(40))).getBytes(StandardCharsets.UTF_8));
                assertThat(new String(f.read(at).rest(), StandardCharsets.UTF_8)).startsWith("record " + i + " ");
            }
            f.force();
        }
        return file;
    }

    @Test
    void recordsRoundTripAcrossReopens() {
        Path file = writeRecords(12);
        List<String> records = readAll(file, false);
        assertThat(records).hasSize(12);
        for (int i = 0; i < 12; i++) {
            assertThat(records.get(i)).startsWith("record " + i + " ");
        }
    }

    @Test
    void tornTailsAreRepairedAndOtherDamageIsCorruptionNamingTheRecord() throws Exception {
        Path file = writeRecords(12);
        DamageChecks.tornTailsRepairedOtherDamageDetected(file, () -> readAll(file, false), SEED, 100, 500);
    }

    @Test
    void repairTruncatesAtADamagedRecordFollowedByValidOnes() throws Exception {
        Path file = writeRecords(6);
        long[] boundaries = DamageChecks.recordBoundaries(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) boundaries[2] + FramingDescriptor.RECORD_HEADER_LENGTH] ^= 1; // the third record's body
        Files.write(file, bytes);
        assertThatThrownBy(() -> readAll(file, false)).isInstanceOfSatisfying(CorruptFileException.class,
                e -> assertThat(e.offset()).isEqualTo(boundaries[2]));
        assertThat(readAll(file, true)).hasSize(2);
        assertThat(Files.size(file)).isEqualTo(boundaries[2]);
    }

    @Test
    void aHeaderCutShortIsWrittenAgainAndADamagedOneRefused() throws Exception {
        Path file = writeRecords(0);
        byte[] header = Files.readAllBytes(file);
        for (int length = 0; length < header.length; length++) {
            Files.write(file, Arrays.copyOf(header, length));
            assertThat(readAll(file, false)).as("header cut to %d bytes", length).isEmpty();
            assertThat(Files.readAllBytes(file)).isEqualTo(header);
        }
        byte[] other = header.clone();
        other[FramingDescriptor.NAME_OFFSET] ^= 2;
        Files.write(file, Arrays.copyOf(other, other.length - 1));
        assertThatThrownBy(() -> readAll(file, false)).isInstanceOf(CorruptFileException.class)
                .hasMessageContaining(file.toString());
    }

    /** The previous release's layout: 8-byte magic, u32 version, CRC-32C of [0, 12), then records framed as now. */
    private static byte[] legacyFile(int version, byte[] records) {
        ByteBuffer b = ByteBuffer.allocate(FramingDescriptor.LEGACY_RECORD_HEADER_LENGTH + records.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put("TESTRECS".getBytes(StandardCharsets.US_ASCII)).putInt(version);
        b.putInt(DamageChecks.crc(b.array(), FramingDescriptor.LEGACY_RECORD_HEADER_CRC_OFFSET)).put(records);
        return b.array();
    }

    @Test
    void aFileOfThePreviousReleaseIsUpgradedWithItsRecordsUnchanged() throws IOException {
        Path file = writeRecords(5);
        byte[] now = Files.readAllBytes(file);
        long header = DamageChecks.recordBoundaries(file)[0];
        byte[] records = Arrays.copyOfRange(now, (int) header, now.length);
        Files.write(file, legacyFile(1, records));
        List<String> read = readAll(file, false);
        assertThat(read).hasSize(5).first().asString().startsWith("record 0 ");
        assertThat(Files.readAllBytes(file)).as("rewritten with this framing's header, records as they were")
                .isEqualTo(now);
        assertThat(readAll(file, false)).isEqualTo(read);

        Files.write(file, legacyFile(7, records));
        assertThatThrownBy(() -> readAll(file, false)).isInstanceOfSatisfying(UnsupportedFormatException.class,
                e -> assertThat(e.found()).isEqualTo(7));
        byte[] damaged = legacyFile(1, records);
        damaged[9] ^= 4;
        Files.write(file, damaged);
        assertThatThrownBy(() -> readAll(file, false)).isInstanceOfSatisfying(CorruptFileException.class,
                e -> assertThat(e.offset()).isEqualTo(FramingDescriptor.LEGACY_RECORD_HEADER_CRC_OFFSET));
        Files.write(file, legacyFile(1, records));
        assertThatThrownBy(() -> RecordFile.open(file, FileFormat.of("test-records", 2, "TESTRECS"), false, (o, b) -> { }))
                .as("a format that no longer reads version 1 refuses it")
                .isInstanceOfSatisfying(UnsupportedFormatException.class, e -> assertThat(e.found()).isEqualTo(1));
    }
}
