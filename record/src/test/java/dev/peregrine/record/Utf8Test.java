package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The strict UTF-8 corpus: named well-formed and ill-formed sequences, and a seeded generated corpus whose every
 * verdict and error offset is compared with the JDK's decoder, which with {@link CodingErrorAction#REPORT} is
 * strict (Unicode table 3-7).
 */
class Utf8Test {

    private static final long SEED = 0x07F8_2026L;

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "C0 AF             | overlong encoding",
        "C0 AE C0 AE C0 AF | overlong encoding",
        "E0 80 AF          | overlong encoding",
        "C1 A1             | overlong encoding",
        "F0 80 80 AF       | overlong encoding",
        "E0 9F BF          | overlong encoding",
        "ED A0 80          | surrogate code point",
        "ED BF BF          | surrogate code point",
        "ED A0 BD ED B8 80 | surrogate code point",
        "F4 90 80 80       | code point above U+10FFFF",
        "F5 80 80 80       | code point above U+10FFFF",
        "F7 BF BF BF       | code point above U+10FFFF",
        "F8 88 80 80 80    | byte 0xF8 never occurs in UTF-8",
        "FE                | byte 0xFE never occurs in UTF-8",
        "FF                | byte 0xFF never occurs in UTF-8",
        "C2                | truncated sequence",
        "E2 82             | truncated sequence",
        "F0 9F 98          | truncated sequence",
        "C2 41             | truncated sequence",
        "E2 28 A1          | truncated sequence",
        "80                | unexpected continuation byte",
        "BF                | unexpected continuation byte",
    })
    void illFormedSequencesAreRejectedWithTheirReason(String hex, String reason) {
        byte[] bad = HexFormat.ofDelimiter(" ").parseHex(hex);
        byte[] text = concat("ab".getBytes(StandardCharsets.US_ASCII), bad, "cd".getBytes(StandardCharsets.US_ASCII));
        assertThat(Utf8.firstInvalid(text, 0, text.length)).isEqualTo(2).isEqualTo(jdkFirstInvalid(text));
        assertThat(Utf8.describeInvalid(text, 0, 2, text.length)).isEqualTo("invalid UTF-8 (" + reason + ") at byte 2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "00", "7F", "C2 80", "DF BF", "E0 A0 80", "E1 80 80", "EC BF BF", "ED 80 80", "ED 9F BF", "EE 80 80",
        "EF BF BF", "F0 90 80 80", "F1 80 80 80", "F3 BF BF BF", "F4 80 80 80", "F4 8F BF BF",
        "F0 9F 98 80 E4 B8 AD C3 A9 41",
    })
    void wellFormedBoundarySequencesAreAccepted(String hex) {
        byte[] text = HexFormat.ofDelimiter(" ").parseHex(hex);
        assertThat(Utf8.firstInvalid(text, 0, text.length)).isEqualTo(-1).isEqualTo(jdkFirstInvalid(text));
    }

    @Test
    void theRangeIsRespected() {
        byte[] text = {'a', (byte) 0xC3, (byte) 0xA9, 'b'};
        // Cut in the middle of é: the sequence is truncated within the range.
        assertThat(Utf8.firstInvalid(text, 0, 2)).isEqualTo(1);
        assertThat(Utf8.firstInvalid(text, 2, 4)).isEqualTo(2);
        assertThat(Utf8.firstInvalid(text, 1, 4)).isEqualTo(-1);
        assertThat(Utf8.firstInvalid(text, 4, 4)).isEqualTo(-1);
    }

    /**
     * Seeded documents of well-formed text (ASCII runs long enough for the eight-byte fast path, and every
     * sequence length) with random damage: bytes from the edges of Table 3-7 inserted, overwritten or cut off.
     * Each verdict, and each first-error offset, must equal the JDK decoder's, on a heap array and off heap.
     */
    @Test
    void generatedCorpusAgreesWithTheJdkDecoder() {
        int[] edges = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
            0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFB, 0xFC, 0xFE, 0xFF};
        int invalid = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int doc = 0; doc < 20_000; doc++) {
                long seed = SEED + doc;
                Random random = new Random(seed);
                byte[] text = wellFormed(random);
                int damage = random.nextInt(4);
                for (int d = 0; d < damage && text.length > 0; d++) {
                    int at = random.nextInt(text.length);
                    switch (random.nextInt(3)) {
                        case 0 -> text[at] = (byte) edges[random.nextInt(edges.length)];
                        case 1 -> text = concat(java.util.Arrays.copyOf(text, at),
                                new byte[] {(byte) edges[random.nextInt(edges.length)]},
                                java.util.Arrays.copyOfRange(text, at, text.length));
                        default -> text = java.util.Arrays.copyOf(text, at);
                    }
                }
                int expected = jdkFirstInvalid(text);
                String context = "seed " + seed + ": " + HexFormat.ofDelimiter(" ").formatHex(text);
                assertThat(Utf8.firstInvalid(text, 0, text.length)).as(context).isEqualTo(expected);
                MemorySegment offHeap = arena.allocate(Math.max(1, text.length));
                MemorySegment.copy(text, 0, offHeap, ValueLayout.JAVA_BYTE, 0, text.length);
                assertThat(Utf8.firstInvalid(offHeap, 0, text.length)).as(context).isEqualTo(expected);
                if (expected >= 0) {
                    invalid++;
                    assertThat(Utf8.describeInvalid(text, 0, expected, text.length)).as(context)
                            .startsWith("invalid UTF-8 (").endsWith(") at byte " + expected);
                }
            }
        }
        assertThat(invalid).as("the corpus holds both verdicts").isBetween(5_000, 15_000);
    }

    /** Random code points of every encoded length, with ASCII runs, encoded by the JDK. */
    private static byte[] wellFormed(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(24);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(5)) {
                case 0 -> sb.append("abcdefghijklmnopq", 0, random.nextInt(17));
                case 1 -> sb.appendCodePoint(0x80 + random.nextInt(0x800 - 0x80));
                case 2 -> sb.appendCodePoint(random.nextBoolean() ? 0x800 + random.nextInt(0xD800 - 0x800)
                        : 0xE000 + random.nextInt(0x10000 - 0xE000));
                case 3 -> sb.appendCodePoint(0x10000 + random.nextInt(0x110000 - 0x10000));
                default -> sb.append((char) random.nextInt(0x80));
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The offset at which the JDK's strict decoder reports malformed input, or -1. */
    static int jdkFirstInvalid(byte[] text) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(text);
        CharBuffer out = CharBuffer.allocate(text.length * 2 + 2);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        return decoder.flush(out).isError() ? in.position() : -1;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
