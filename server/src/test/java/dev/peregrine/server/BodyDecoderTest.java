package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The body decoder against streams built byte by byte here, cut into chunks at random places:
 * every header flag of RFC 1952, several members, zlib streams; every truncation must be an error,
 * never a shorter body, and a bit flip an error or (in bits deflate ignores) the same body. Seeded;
 * the seed is in every failure message.
 */
class BodyDecoderTest {
    private static final long SEED = Long.getLong("peregrine.test.seed", System.nanoTime());

    /** One gzip member of {@code data}, with the optional header fields {@code flags} asks for. */
    static byte[] member(byte[] data, int flags, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1F, (byte) 0x8B, 8, (byte) flags});
        byte[] rest = new byte[6]; // MTIME, XFL, OS: any value
        random.nextBytes(rest);
        out.writeBytes(rest);
        if ((flags & 0x04) != 0) {
            byte[] extra = new byte[random.nextInt(300)];
            random.nextBytes(extra);
            out.write(extra.length & 0xFF);
            out.write(extra.length >>> 8);
            out.writeBytes(extra);
        }
        for (int flag : new int[] {0x08, 0x10}) { // FNAME, FCOMMENT: zero-terminated text
            if ((flags & flag) != 0) {
                for (int i = random.nextInt(40); i > 0; i--) {
                    out.write('a' + random.nextInt(26));
                }
                out.write(0);
            }
        }
        if ((flags & 0x02) != 0) {
            CRC32 headerCrc = new CRC32();
            headerCrc.update(out.toByteArray());
            out.write((int) headerCrc.getValue() & 0xFF);
            out.write((int) (headerCrc.getValue() >>> 8) & 0xFF);
        }
        Deflater deflater = new Deflater(random.nextInt(10), true);
        out.writeBytes(deflate(deflater, data));
        CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLe(out, crc.getValue());
        writeIntLe(out, data.length);
        return out.toByteArray();
    }

    static byte[] deflate(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    static void writeIntLe(ByteArrayOutputStream out, long value) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }

    /** Up to {@code maxBytes} of text-like data: compressible, with random bytes among it. */
    static byte[] data(Random random, int maxBytes) {
        byte[] data = new byte[random.nextInt(maxBytes)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 'a' + random.nextInt(3));
        }
        return data;
    }

    /** Decodes {@code encoded} fed in random chunks; the decoded bytes. */
    static byte[] decode(String encoding, byte[] encoded, Random random) {
        BodyDecoder decoder = BodyDecoder.forEncoding(encoding);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        int offset = 0;
        while (offset < encoded.length) {
            int length = Math.min(encoded.length - offset, 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000));
            decoder.decode(Buffer.buffer(Arrays.copyOfRange(encoded, offset, offset + length)),
                    piece -> decoded.writeBytes(piece.getBytes()));
            offset += length;
        }
        decoder.finish();
        return decoded.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void gzipMembersWithEveryHeaderFieldDecodeWhereverTheChunksEnd() {
        Random random = new Random(SEED);
        for (int round = 0; round < 25; round++) {
            int members = 1 + random.nextInt(3);
            byte[][] parts = new byte[members][];
            byte[][] encoded = new byte[members][];
            for (int m = 0; m < members; m++) {
                parts[m] = data(random, 100_000);
                encoded[m] = member(parts[m], random.nextInt(32) & 0x1E, random);
            }
            assertThat(decode("gzip", concat(encoded), random)).as("seed %d, round %d", SEED, round)
                    .isEqualTo(concat(parts));
        }
    }

    @Test
    void zlibStreamsDecodeWhereverTheChunksEnd() {
        Random random = new Random(SEED);
        for (int round = 0; round < 20; round++) {
            byte[] data = data(random, 200_000);
            byte[] encoded = deflate(new Deflater(random.nextInt(10)), data);
            assertThat(decode("deflate", encoded, random)).as("seed %d, round %d", SEED, round).isEqualTo(data);
        }
    }

    @Test
    void everyTruncationIsAnError() {
        Random random = new Random(SEED);
        byte[] gzip = member("{\"event_type\":\"t\",\"entity_id\":\"e\",\"payload\":{}}\n".repeat(20)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), 0x1E, random);
        for (int cut = 0; cut < gzip.length; cut++) {
            byte[] truncated = Arrays.copyOf(gzip, cut);
            assertThat(catchThrowable(() -> decode("gzip", truncated, random)))
                    .as("seed %d, cut at %d of %d", SEED, cut, gzip.length)
                    .isInstanceOf(ApiException.class).hasMessageStartingWith("malformed request body: ");
        }
        byte[] zlib = deflate(new Deflater(), "some body".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (int cut = 0; cut < zlib.length; cut++) {
            byte[] truncated = Arrays.copyOf(zlib, cut);
            assertThat(catchThrowable(() -> decode("deflate", truncated, random))).as("seed %d, cut at %d", SEED, cut)
                    .isInstanceOf(ApiException.class);
        }
    }

    @Test
    void noBitFlipInTheDataOrTrailerGivesAnotherBody() {
        Random random = new Random(SEED);
        for (int i = 0; i < 300; i++) {
            byte[] data = data(random, 8_000);
            byte[] gzip = member(data, 0, random); // no optional fields: the header is 10 bytes
            int position = 10 + random.nextInt(gzip.length - 10);
            byte[] flipped = gzip.clone();
            flipped[position] ^= (byte) (1 << random.nextInt(8));
            byte[][] decoded = new byte[1][];
            Throwable thrown = catchThrowable(() -> decoded[0] = decode("gzip", flipped, random));
            if (thrown == null) {
                // The flip hit bits deflate ignores (the padding after a block): the same body, not another.
                assertThat(decoded[0]).as("seed %d, round %d, flip at %d", SEED, i, position).isEqualTo(data);
            } else {
                assertThat(thrown).as("seed %d, round %d, flip at %d", SEED, i, position).isInstanceOf(ApiException.class);
            }
        }
    }

    @Test
    void bytesAfterTheStreamAndBadHeadersAreErrors() {
        Random random = new Random(SEED);
        byte[] gzip = member("x".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0x02, random);
        assertThatThrownBy(() -> decode("gzip", concat(gzip, new byte[] {0}), random)).isInstanceOf(ApiException.class);
        byte[] zlib = deflate(new Deflater(), "x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> decode("deflate", concat(zlib, zlib), random))
                .hasMessageContaining("bytes follow the end of the deflate stream");
        byte[] badHeaderCrc = gzip.clone();
        badHeaderCrc[10] ^= 1;
        assertThatThrownBy(() -> decode("gzip", badHeaderCrc, random)).hasMessageContaining("header fails its CRC");
        byte[] reservedFlag = gzip.clone();
        reservedFlag[3] |= (byte) 0x20;
        assertThatThrownBy(() -> decode("gzip", reservedFlag, random)).hasMessageContaining("reserved flags");
        assertThatThrownBy(() -> decode("gzip", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), random))
                .hasMessageContaining("not gzip");
    }

    @Test
    void encodingsAreChosenByName() {
        assertThat(BodyDecoder.forEncoding(null)).isNull();
        assertThat(BodyDecoder.forEncoding(" Identity ")).isNull();
        assertThat(BodyDecoder.forEncoding("X-GZIP")).isNotNull();
        assertThatThrownBy(() -> BodyDecoder.forEncoding("br")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(415));
    }
}
