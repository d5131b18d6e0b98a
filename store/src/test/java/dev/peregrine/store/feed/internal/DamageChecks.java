package dev.peregrine.store.feed.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.CorruptFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Truncates a state file to every length and flips random bits, requiring each damage to be detected. */
public final class DamageChecks {

    private DamageChecks() {}

    /** Something that reads a state file. */
    @FunctionalInterface
    public interface Reader {
        void read() throws Exception;
    }

    /**
     * @param file the file (holding valid content on entry)
     * @param reader reads it
     * @param seed the seed of the bit flips
     * @param flips how many single-bit flips to try
     */
    public static void everyTruncationAndFlipIsDetected(Path file, Reader reader, long seed, int flips)
            throws Exception {
        everyTruncationAndFlipIsDetected(file, reader, seed, flips, CorruptFileException.class);
    }

    /**
     * @param file the file (holding valid content on entry)
     * @param reader reads it
     * @param seed the seed of the bit flips
     * @param flips how many single-bit flips to try
     * @param detectedAs the exception each damage must raise, naming the file
     */
    public static void everyTruncationAndFlipIsDetected(Path file, Reader reader, long seed, int flips,
            Class<? extends Exception> detectedAs) throws Exception {
        byte[] good = Files.readAllBytes(file);
        for (int length = 0; length < good.length; length++) {
            Files.write(file, Arrays.copyOf(good, length));
            assertThatThrownBy(reader::read).as("%s truncated to %d of %d bytes", file, length, good.length)
                    .isInstanceOf(detectedAs).hasMessageContaining(file.toString());
        }
        Random rnd = new Random(seed);
        for (int i = 0; i < flips; i++) {
            byte[] bad = good.clone();
            int at = rnd.nextInt(bad.length);
            bad[at] ^= (byte) (1 << rnd.nextInt(8));
            Files.write(file, bad);
            assertThatThrownBy(reader::read).as("seed %d, bit flip at byte %d", seed, at)
                    .isInstanceOf(detectedAs);
        }
        Files.write(file, good);
    }

    /**
     * Overwrites the u16 at {@code offset} and recomputes the CRC-32C footer of {@link StateFiles}, so the
     * file stays intact but says something else (for example another format version).
     */
    public static void rewriteU16AndReseal(Path file, int offset, int value) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer content = ByteBuffer.allocate(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        content.put(bytes, 0, bytes.length - StateFiles.FOOTER_LENGTH).putShort(offset, (short) value);
        Files.write(file, Arrays.copyOf(StateFiles.seal(content).array(), bytes.length));
    }
}
