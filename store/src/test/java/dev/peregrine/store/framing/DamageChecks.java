package dev.peregrine.store.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.peregrine.store.CorruptFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * Lucene-style damage for every file the store writes: truncations (at every length, or at every frame
 * boundary and one byte either side plus random offsets) and random single-bit flips, each required to
 * be detected as a typed error naming the file and an offset within it, or, for an append-only file,
 * repaired back to a record boundary. Seeded; the seed is in every assertion's description.
 */
public final class DamageChecks {

    private DamageChecks() {}

    /** Something that reads a file. */
    @FunctionalInterface
    public interface Reader {
        void read() throws Exception;
    }

    /**
     * Truncates the file to every length and flips random bits, each of which must raise a
     * {@link CorruptFileException} naming the file and an offset within it.
     *
     * @param file the file (holding valid content on entry, and again on return)
     * @param reader reads it
     * @param seed the seed of the bit flips
     * @param flips how many single-bit flips to try
     */
    public static void everyTruncationAndFlipIsDetected(Path file, Reader reader, long seed, int flips)
            throws Exception {
        everyTruncationAndFlipIsDetected(file, reader, seed, flips, CorruptFileException.class);
    }

    /**
     * @param file the file (holding valid content on entry, and again on return)
     * @param reader reads it
     * @param seed the seed of the bit flips
     * @param flips how many single-bit flips to try
     * @param detectedAs the exception each damage must raise, naming the file
     */
    public static void everyTruncationAndFlipIsDetected(Path file, Reader reader, long seed, int flips,
            Class<? extends Exception> detectedAs) throws Exception {
        byte[] good = Files.readAllBytes(file);
        long[] every = new long[good.length];
        Arrays.setAll(every, i -> i);
        detected(file, good, every, reader, seed, flips, detectedAs);
    }

    /**
     * For a file too large, or a reader too slow, to try every length: truncates at each boundary and
     * one byte either side of it, and at {@code randomCuts} random lengths, then flips random bits.
     *
     * @param file the file (holding valid content on entry, and again on return)
     * @param boundaries the file's frame boundaries ({@link #wholeFileBoundaries}, {@link #recordBoundaries})
     * @param reader reads it
     * @param seed the seed of the random cuts and flips
     * @param randomCuts how many random lengths to try
     * @param flips how many single-bit flips to try
     */
    public static void truncationsAndFlipsAreDetected(Path file, long[] boundaries, Reader reader, long seed,
            int randomCuts, int flips) throws Exception {
        byte[] good = Files.readAllBytes(file);
        detected(file, good, cuts(good.length, boundaries, seed, randomCuts), reader, seed, flips,
                CorruptFileException.class);
    }

    private static void detected(Path file, byte[] good, long[] lengths, Reader reader, long seed, int flips,
            Class<? extends Exception> detectedAs) throws Exception {
        try {
            for (long length : lengths) {
                Files.write(file, Arrays.copyOf(good, (int) length));
                assertThatThrownBy(reader::read).as("seed %d: %s truncated to %d of %d bytes", seed, file, length,
                        good.length).isInstanceOf(detectedAs).hasMessageContaining(file.toString())
                        .satisfies(e -> namesAnOffset(e, file, good.length));
            }
            Random rnd = new Random(seed);
            for (int i = 0; i < flips; i++) {
                Flip flip = Flip.random(good, rnd);
                int at = flip.at();
                Files.write(file, flip.bytes());
                assertThatThrownBy(reader::read).as("seed %d: bit flip at byte %d of %s", seed, at, file)
                        .isInstanceOf(detectedAs).hasMessageContaining(file.toString())
                        .satisfies(e -> namesAnOffset(e, file, good.length));
            }
        } finally {
            Files.write(file, good);
        }
    }

    private static void namesAnOffset(Throwable e, Path file, long size) {
        if (e instanceof CorruptFileException c) {
            assertThat(c.file().getFileName()).isEqualTo(file.getFileName());
            assertThat(c.offset()).isBetween(0L, size);
            assertThat(c.getMessage()).contains("at byte " + c.offset());
        }
    }

    /**
     * An append-only file's truncations and flips: a cut at a record boundary keeps exactly the records
     * before it; a cut inside the last record kept, or a flip in the last record, is a torn tail,
     * repaired back to the boundary before it ({@code opens} must succeed and leave the file that long);
     * a cut inside the header is a creation a crash interrupted, and the header is written again; a
     * flip in the header or in any record but the last must raise a {@link CorruptFileException}
     * naming the file and the damaged record's offset (for the header, the offset of the check that
     * failed).
     *
     * @param file a {@link RecordFile} (holding valid content on entry, and again on return)
     * @param opens opens the file as its owner does (and closes it)
     * @param seed the seed of the random cuts and flips
     * @param randomCuts how many random lengths to try besides every boundary
     * @param flips how many single-bit flips to try
     */
    public static void tornTailsRepairedOtherDamageDetected(Path file, Reader opens, long seed, int randomCuts,
            int flips) throws Exception {
        byte[] good = Files.readAllBytes(file);
        long[] boundaries = recordBoundaries(file);
        long header = boundaries[0];
        try {
            for (long length : cuts(good.length, boundaries, seed, randomCuts)) {
                Files.write(file, Arrays.copyOf(good, (int) length));
                opens.read();
                long kept = floor(boundaries, length);
                assertThat(Files.size(file)).as("seed %d: %s cut to %d bytes is repaired to the record boundary %d",
                        seed, file, length, kept).isEqualTo(kept);
            }
            Random rnd = new Random(seed);
            for (int i = 0; i < flips; i++) {
                Flip flip = Flip.random(good, rnd);
                int at = flip.at();
                Files.write(file, flip.bytes());
                long record = at < header ? 0 : floor(boundaries, at);
                if (at >= header && record == boundaries[boundaries.length - 2]) {
                    opens.read();
                    assertThat(Files.size(file)).as("seed %d: flip at %d in the last record is a torn tail", seed, at)
                            .isEqualTo(record);
                } else {
                    assertThatThrownBy(opens::read).as("seed %d: bit flip at byte %d of %s", seed, at, file)
                            .isInstanceOfSatisfying(CorruptFileException.class, e -> {
                                assertThat(e.file().getFileName()).isEqualTo(file.getFileName());
                                if (at >= header) {
                                    assertThat(e.offset()).as("seed %d: the damaged record's offset", seed)
                                            .isEqualTo(record);
                                } else {
                                    // a damaged name length moves where the header CRC is looked for
                                    assertThat(e.offset()).as("seed %d: an offset in the file", seed)
                                            .isBetween(0L, (long) good.length);
                                }
                            });
                }
            }
        } finally {
            Files.write(file, good);
        }
    }

    /**
     * A copy of a file's bytes with one random bit flipped.
     *
     * @param at the byte flipped
     * @param bytes the damaged copy
     */
    public record Flip(int at, byte[] bytes) {
        /** @param good the bytes @param rnd the test's seeded random @return one bit of a copy flipped */
        public static Flip random(byte[] good, Random rnd) {
            byte[] bad = good.clone();
            int at = rnd.nextInt(bad.length);
            bad[at] ^= (byte) (1 << rnd.nextInt(8));
            return new Flip(at, bad);
        }
    }

    /** @return the boundaries, one either side of each, and random lengths, all below {@code size} */
    private static long[] cuts(int size, long[] boundaries, long seed, int randomCuts) {
        TreeSet<Long> cuts = new TreeSet<>();
        for (long b : boundaries) {
            for (long c = b - 1; c <= b + 1; c++) {
                if (c >= 0 && c < size) {
                    cuts.add(c);
                }
            }
        }
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < randomCuts; i++) {
            cuts.add((long) rnd.nextInt(size));
        }
        return cuts.stream().mapToLong(Long::longValue).toArray();
    }

    private static long floor(long[] boundaries, long at) {
        long f = boundaries[0];
        for (long b : boundaries) {
            if (b <= at) {
                f = b;
            }
        }
        return f;
    }

    /**
     * @param file a whole file ({@link AtomicFile})
     * @return its frame boundaries: each header field, the body, the footer fields, the end
     */
    public static long[] wholeFileBoundaries(Path file) throws IOException {
        long size = Files.size(file);
        int n = nameLength(file);
        return new long[] {0, FramingDescriptor.NAME_LENGTH_OFFSET, FramingDescriptor.NAME_OFFSET,
                FramingDescriptor.versionOffset(n), FramingDescriptor.headerCrcOffset(n), FramingDescriptor.headerLength(n),
                size - FramingDescriptor.FOOTER_LENGTH, size - FramingDescriptor.FOOTER_LENGTH + FramingDescriptor.FOOTER_CRC_OFFSET,
                size};
    }

    /**
     * @param file an append-only file ({@link RecordFile}), undamaged
     * @return the header's end and every record's end, in order (the last is the file's size)
     */
    public static long[] recordBoundaries(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> out = new ArrayList<>();
        long at = FramingDescriptor.headerLength(nameLength(file));
        out.add(at);
        while (at < bytes.length) {
            at += FramingDescriptor.RECORD_HEADER_LENGTH + Integer.toUnsignedLong(in.getInt((int) at));
            out.add(at);
        }
        if (at != bytes.length) {
            fail("%s does not end at a record boundary", file);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static int nameLength(Path file) throws IOException {
        byte[] start = Arrays.copyOf(Files.readAllBytes(file), FramingDescriptor.NAME_OFFSET);
        return Byte.toUnsignedInt(start[FramingDescriptor.NAME_LENGTH_OFFSET]);
    }

    /**
     * Rewrites the format version in a file's header and recomputes the header CRC (and, for a whole
     * file, the footer CRC), so the file stays intact but says another version.
     *
     * @param file a file in the framing
     * @param version the version to write
     * @param wholeFile whether it is an {@link AtomicFile} (with a footer) rather than a {@link RecordFile}
     */
    public static void rewriteVersion(Path file, int version, boolean wholeFile) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = Byte.toUnsignedInt(bytes[FramingDescriptor.NAME_LENGTH_OFFSET]);
        b.putInt(FramingDescriptor.versionOffset(n), version);
        b.putInt(FramingDescriptor.headerCrcOffset(n), crc(bytes, FramingDescriptor.headerCrcOffset(n)));
        if (wholeFile) {
            int crcAt = bytes.length - FramingDescriptor.FOOTER_LENGTH + FramingDescriptor.FOOTER_CRC_OFFSET;
            b.putInt(crcAt, crc(bytes, crcAt));
        }
        Files.write(file, bytes);
    }

    /** @return the CRC-32C of {@code bytes[0, length)} */
    public static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
