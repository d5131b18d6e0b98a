package dev.peregrine.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.peregrine.flight.internal.codec.SnapshotFileDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated, bit-flipped and foreign files are rejected with errors that say what is wrong and where. */
class CorruptSnapshotTest {
    private static final long SEED = 20261121L;

    @TempDir
    Path dir;
    private byte[] good;

    @BeforeEach
    void writeSnapshot() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(256).snapshotDirectory(dir).service("svc").build();
        FlightLogger log = recorder.logger("orders");
        for (int i = 0; i < 300; i++) {
            log.atInfo("order {} filled qty={} px={} {}").arg(i).arg(i % 7).arg(100.0 + i / 8.0).arg("s" + i).field("k", i).log();
        }
        good = Files.readAllBytes(recorder.snapshot("test"));
        assertThat(FlightSnapshot.read(write(good)).events()).hasSize(256);
    }

    private Path write(byte[] bytes) throws Exception {
        Path file = Files.createTempFile(dir, "snap", ".pgfl");
        Files.write(file, bytes);
        return file;
    }

    @Test
    void everyTruncationIsRejected() throws Exception {
        for (int length = 0; length < good.length; length++) {
            Path file = write(Arrays.copyOf(good, length));
            Throwable error = catchThrowable(() -> FlightSnapshot.read(file));
            assertThat(error).as("truncated to %d of %d bytes", length, good.length).isInstanceOf(SnapshotFormatException.class);
            assertThat(error).as("truncated to %d of %d bytes", length, good.length).isInstanceOf(TruncatedSnapshotException.class)
                    .hasMessageContaining(file.toString());
            Files.delete(file);
        }
    }

    @Test
    void everyBitFlipIsDetected() throws Exception {
        Random random = new Random(SEED);
        for (int i = 0; i < 400; i++) {
            byte[] bad = good.clone();
            int position = random.nextInt(bad.length);
            int bit = random.nextInt(8);
            bad[position] ^= (byte) (1 << bit);
            Path file = write(bad);
            Throwable error = catchThrowable(() -> FlightSnapshot.read(file));
            assertThat(error).as("seed %d, flip %d: bit %d of byte %d", SEED, i, bit, position)
                    .isInstanceOf(SnapshotFormatException.class);
            Files.delete(file);
        }
    }

    @Test
    void checksumErrorsShowExpectedAndActual() throws Exception {
        byte[] bad = good.clone();
        bad[good.length / 2] ^= 0x10;
        Path file = write(bad);
        assertThatThrownBy(() -> FlightSnapshot.read(file)).isInstanceOf(CorruptSnapshotException.class)
                .hasMessageContaining("file checksum").hasMessageContaining("expected 0x").hasMessageContaining("actual 0x")
                .hasMessageContaining(file.toString());
    }

    @Test
    void foreignFilesAndVersionsAreNamed() throws Exception {
        Path text = write("hello, this is not a snapshot at all".getBytes());
        assertThatThrownBy(() -> FlightSnapshot.read(text)).isInstanceOf(UnsupportedSnapshotException.class)
                .hasMessageContaining("not a flight snapshot").hasMessageContaining("\"hello, t\"");

        byte[] future = good.clone();
        ByteBuffer.wrap(future).order(ByteOrder.LITTLE_ENDIAN).putShort(SnapshotFileDescriptor.VERSION_OFFSET, (short) 99);
        assertThatThrownBy(() -> FlightSnapshot.read(write(future))).isInstanceOf(UnsupportedSnapshotException.class)
                .hasMessageContaining("version 99 is too new");

        byte[] past = good.clone();
        ByteBuffer.wrap(past).order(ByteOrder.LITTLE_ENDIAN).putShort(SnapshotFileDescriptor.VERSION_OFFSET, (short) 0);
        assertThatThrownBy(() -> FlightSnapshot.read(write(past))).isInstanceOf(UnsupportedSnapshotException.class)
                .hasMessageContaining("version 0 is too old");

        assertThatThrownBy(() -> FlightSnapshot.read(write(new byte[0]))).isInstanceOf(TruncatedSnapshotException.class);
    }
}
