package dev.peregrine.store.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.UnsupportedFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole-file framing: round trip, header checks in their order, footer, and every damage typed. */
class AtomicFileTest {

    private static final long SEED = Long.getLong("damage.seed", 0xA70F_11E0L);
    private static final FileFormat FORMAT = new FileFormat("test-state", 2, 3, null);

    @TempDir
    Path dir;

    private Path writeSample(int longs) {
        Path file = dir.resolve("sample.state");
        Random rnd = new Random(SEED);
        AtomicFile.write(file, FORMAT, out -> {
            out.putString("héllo");
            out.putBlob(new byte[] {1, 2, 3});
            out.putShort((short) -2);
            out.putByte((byte) 7);
            out.putInt(longs);
            for (int i = 0; i < longs; i++) {
                out.putLong(rnd.nextLong());
            }
        });
        return file;
    }

    @Test
    void roundTripsItsBodyAcrossBufferFlushesAndLeavesNoTemporary() throws Exception {
        int longs = 20_000; // 160 KB: several flushes of the output buffer
        Path file = writeSample(longs);
        FileBody body = AtomicFile.read(file, FORMAT).orElseThrow();
        assertThat(body.version()).isEqualTo(3);
        assertThat(body.offset()).isEqualTo(FramingDescriptor.headerLength(FORMAT.name().length()));
        assertThat(body.getString()).isEqualTo("héllo");
        assertThat(body.getBlob()).containsExactly(1, 2, 3);
        assertThat(body.getShort()).isEqualTo((short) -2);
        assertThat(body.getByte()).isEqualTo((byte) 7);
        Random rnd = new Random(SEED);
        int n = body.getCount(Long.BYTES);
        for (int i = 0; i < n; i++) {
            assertThat(body.getLong()).isEqualTo(rnd.nextLong());
        }
        body.expectEnd();
        assertThat(dir.resolve("sample.state.tmp")).doesNotExist();
        byte[] bytes = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(bytes, 4)).isEqualTo("PRGF".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(bytes, FramingDescriptor.NAME_OFFSET, FORMAT.name().length(), StandardCharsets.US_ASCII))
                .isEqualTo("test-state");
        assertThat(AtomicFile.read(dir.resolve("absent"), FORMAT)).isEmpty();
    }

    @Test
    void everyTruncationAndBitFlipIsCorruptionNamingFileAndOffset() throws Exception {
        Path file = writeSample(40);
        DamageChecks.everyTruncationAndFlipIsDetected(file, () -> AtomicFile.read(file, FORMAT), SEED, 500);
    }

    @Test
    void aBodyThatRunsPastItsEndIsCorruptionNotAnUnderflow() throws Exception {
        Path file = dir.resolve("short.state");
        AtomicFile.write(file, FORMAT, out -> out.putInt(1_000)); // a count with no items after it
        FileBody body = AtomicFile.read(file, FORMAT).orElseThrow();
        assertThatThrownBy(() -> body.getCount(Long.BYTES)).isInstanceOfSatisfying(CorruptFileException.class,
                e -> assertThat(e.offset()).isEqualTo(FramingDescriptor.headerLength(FORMAT.name().length())));
        assertThatThrownBy(body::getLong).isInstanceOf(CorruptFileException.class).hasMessageContaining(file.toString());
    }

    @Test
    void versionsOutsideTheRangeAreUnsupportedTooOldOrTooNew() throws Exception {
        Path file = writeSample(1);
        DamageChecks.rewriteVersion(file, 4, true);
        assertThatThrownBy(() -> AtomicFile.read(file, FORMAT)).isInstanceOfSatisfying(UnsupportedFormatException.class, e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.found()).isEqualTo(4);
            assertThat(e.minSupported()).isEqualTo(2);
            assertThat(e.maxSupported()).isEqualTo(3);
            assertThat(e.tooNew()).isTrue();
        });
        DamageChecks.rewriteVersion(file, 2, true);
        assertThat(AtomicFile.read(file, FORMAT).orElseThrow().version()).isEqualTo(2);
        DamageChecks.rewriteVersion(file, 1, true);
        assertThatThrownBy(() -> AtomicFile.read(file, FORMAT))
                .isInstanceOfSatisfying(UnsupportedFormatException.class, e -> assertThat(e.tooNew()).isFalse());
    }

    @Test
    void aFileOfAnotherFormatIsCorruptionNamingBothFormats() {
        Path file = writeSample(1);
        assertThatThrownBy(() -> AtomicFile.read(file, FileFormat.of("test-other", 3, null)))
                .isInstanceOfSatisfying(CorruptFileException.class, e -> {
                    assertThat(e.offset()).isEqualTo(FramingDescriptor.NAME_OFFSET);
                    assertThat(e.expected()).contains("test-other");
                    assertThat(e.actual()).contains("test-state");
                });
    }

    @Test
    void thePreviousReleasesFileIsVersionOneReadWholeOrUnsupported() throws Exception {
        Path file = dir.resolve("old.state");
        byte[] old = "OLDMAGIC and the old layout".getBytes(StandardCharsets.US_ASCII);
        Files.write(file, old);
        FileBody body = AtomicFile.read(file, new FileFormat("test-state", 1, 2, "OLDMAGIC")).orElseThrow();
        assertThat(body.version()).isEqualTo(FileFormat.LEGACY_VERSION);
        assertThat(body.rest()).isEqualTo(old);
        assertThatThrownBy(() -> AtomicFile.read(file, FileFormat.of("test-state", 2, "OLDMAGIC")))
                .isInstanceOfSatisfying(UnsupportedFormatException.class, e -> {
                    assertThat(e.found()).isEqualTo(FileFormat.LEGACY_VERSION);
                    assertThat(e.tooNew()).isFalse();
                    assertThat(e.getMessage()).contains(file.toString()).contains("version 1");
                });
        assertThatThrownBy(() -> AtomicFile.read(file, FORMAT)).isInstanceOf(CorruptFileException.class);
    }

    @Test
    void formatNamesAreShortLowerCaseWordsAndVersionsStartAfterTheLegacyOne() {
        assertThatThrownBy(() -> FileFormat.of("Upper", 2, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FileFormat.of("x".repeat(65), 2, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FileFormat.of("ok", 1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileFormat("ok", 1, 2, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
