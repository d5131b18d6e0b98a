package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged record and dictionary bytes are always rejected with a RecordFormatException naming the problem. */
class CorruptBytesTest {

    private static final long SEED = 0xBADC0DEL;

    private final FieldDictionary dict = FieldDictionary.create();

    private byte[] sample() {
        return JsonCodec.defaults().parse(dict, "{\"ts\":1700000000000,\"user\":{\"name\":\"ada\",\"tags\":[\"x\",2,null]},"
                + "\"ok\":true,\"score\":2.5,\"note\":\"h\u00e9llo\"}").toByteArray();
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] bytes = sample();
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> Record.wrap(dict, cut)).as("truncated to %d bytes", n)
                    .isInstanceOf(RecordFormatException.class);
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] longer = Arrays.copyOf(sample(), sample().length + 3);
        assertThatThrownBy(() -> Record.wrap(dict, longer)).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("header declares");
    }

    @Test
    void randomBitFlipsAreRejectedOrStillFullyReadable() {
        byte[] original = sample();
        Random random = new Random(SEED);
        int rejected = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] bytes = original.clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int bit = random.nextInt(bytes.length * 8);
                bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            Throwable thrown = catchThrowable(() -> {
                Record r = Record.wrap(dict, bytes);
                // Accepted damage (a flipped bit inside a number, say) must leave a record every reader copes with.
                Record.wrap(dict, JsonCodec.defaults().parse(dict, r.toJson()).toByteArray());
                r.forEachField(field -> field.type());
            });
            if (thrown != null) {
                assertThat(thrown).as("seed %d trial %d", SEED, trial).isInstanceOf(RecordFormatException.class);
                assertThat(thrown.getMessage()).as("seed %d trial %d", SEED, trial).startsWith("corrupt record bytes at offset");
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(10_000);
    }

    @Test
    void namedDefectsAreReportedWithTheirOffset() {
        expect(set(sample(), 0, 2), "unsupported format version 2", 0);
        expect(set(sample(), 1, 1), "kind byte is 1", 1);
        expect(setInt(sample(), 4, 999), "header declares 999 bytes", 4);
        expect(setShort(sample(), 2, 200), "200 entries need", 2);
        expect(set(sample(), 8 + 3, 0), "unknown type tag 0", 11);
        expect(set(sample(), 8 + 3, 12), "unknown type tag 12", 11);
        expect(setInt(sample(), 8 + 4, 17), "first value must start at", 12);
        expect(setInt(sample(), 16 + 4, 100_000), "value offset 100000 is outside", 20);
        byte[] swapped = sample();
        // Give entry 1 the id of entry 0: ids no longer strictly increase.
        swapped[16] = swapped[8];
        swapped[17] = swapped[9];
        swapped[18] = swapped[10];
        expect(swapped, "not above the previous", 16);
    }

    @Test
    void unknownFieldIdInvalidUtf8AndWrongFixedLengthAreRejected() {
        FieldDictionary small = FieldDictionary.create();
        byte[] bytes = RecordBuilder.create(small).put("s", "abc").build().toByteArray();
        assertThatThrownBy(() -> Record.wrap(FieldDictionary.create(), bytes)).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("field id 0 which the dictionary does not hold (0 names)");
        byte[] badUtf8 = bytes.clone();
        badUtf8[badUtf8.length - 2] = (byte) 0xC0; // overlong lead byte
        expect(small, badUtf8, "string with invalid UTF-8", badUtf8.length - 2);
        byte[] surrogate = RecordBuilder.create(small).put("s", "\u20ac").build().toByteArray();
        surrogate[surrogate.length - 3] = (byte) 0xED; // ED A0 80 would be U+D800 encoded directly
        surrogate[surrogate.length - 2] = (byte) 0xA0;
        expect(small, surrogate, "invalid UTF-8", surrogate.length - 3);
        byte[] shortLong = RecordBuilder.create(small).put("s", 5L).build().toByteArray();
        byte[] cut = Arrays.copyOf(shortLong, shortLong.length - 1);
        setInt(cut, 4, cut.length);
        expect(small, cut, "must hold 8 bytes but holds 7", 16);
    }

    @Test
    void aDecimalMustHoldAJsonNumberInRange() {
        FieldDictionary small = FieldDictionary.create();
        byte[] bytes = JsonCodec.defaults().parse(small, "{\"n\":1e-400}").toByteArray();
        int text = bytes.length - "1e-400".length();
        assertThat(Record.wrap(small, bytes).getDecimal("n")).isEqualByComparingTo("1e-400");
        expect(small, set(bytes.clone(), text + 1, 'x'), "decimal that is not a JSON number", text);
        expect(small, set(bytes.clone(), text, '+'), "decimal that is not a JSON number", text);
        expect(small, set(bytes.clone(), text + 3, 0xC3), "decimal that is not a JSON number", text);
        byte[] empty = RecordBuilder.create(small).decimal(small.idOf("n"), "").build().toByteArray();
        expect(small, empty, "'' is not a JSON number", 16);
        byte[] huge = RecordBuilder.create(small).decimal(small.idOf("n"), "1e99999").build().toByteArray();
        expect(small, huge, "outside the supported range", 16);
    }

    @Test
    void excessiveNestingIsRejectedWithoutStackOverflow() {
        // 300 nested empty-ish objects built by hand: each level is a header, one entry, then the next level.
        FieldDictionary d = FieldDictionary.create();
        d.intern("a");
        byte[] inner = RecordBuilder.create(d).build().toByteArray();
        for (int level = 0; level < 300; level++) {
            byte[] outer = new byte[16 + inner.length];
            outer[0] = 1;
            outer[1] = 0;
            setShort(outer, 2, 1);
            setInt(outer, 4, outer.length);
            setInt(outer, 8, RecordLayout.key(0, RecordLayout.TAG_OBJECT));
            setInt(outer, 12, 16);
            System.arraycopy(inner, 0, outer, 16, inner.length);
            inner = outer;
        }
        byte[] deep = inner;
        assertThatThrownBy(() -> Record.wrap(d, deep)).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("nesting deeper than 256");
    }

    @Test
    void segmentSlicesOfOffHeapMemoryAreValidatedAndRead() {
        byte[] bytes = sample();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment big = arena.allocate(bytes.length + 100);
            MemorySegment.copy(bytes, 0, big, RecordReader.BYTE, 50, bytes.length);
            Record r = Record.wrap(dict, big.asSlice(50, bytes.length));
            assertThat(r.getString(FieldPath.parse("user.name"))).isEqualTo("ada");
            assertThat(r.getLong("ts")).isEqualTo(1700000000000L);
            assertThat(r).isEqualTo(Record.wrap(dict, bytes));
            assertThatThrownBy(() -> Record.wrap(dict, big.asSlice(50, bytes.length - 1)))
                    .isInstanceOf(RecordFormatException.class);
        }
    }

    @Test
    void slicesOfALargerHeapArrayAreReadAtTheirOffset() {
        byte[] bytes = sample();
        byte[] big = new byte[bytes.length + 100];
        System.arraycopy(bytes, 0, big, 37, bytes.length);
        Record r = Record.wrap(dict, MemorySegment.ofArray(big).asSlice(37, bytes.length));
        assertThat(r.getLong("ts")).isEqualTo(1700000000000L);
        assertThat(r.getLong(dict.idOf("ts"))).isEqualTo(1700000000000L);
        assertThat(r.getDouble(dict.idOf("score"))).isEqualTo(2.5);
        assertThat(r.getBoolean(dict.idOf("ok"))).isTrue();
        assertThat(r.getString(FieldPath.parse("user.tags[0]"))).isEqualTo("x");
        assertThat(r.getRecord("user").getString("name")).isEqualTo("ada");
        assertThat(r).isEqualTo(Record.wrap(dict, bytes));
    }

    @Test
    void damagedDictionariesAreRejected() {
        FieldDictionary d = FieldDictionary.create();
        d.intern("alpha");
        d.intern("b\u00e9ta");
        byte[] good = d.encode();
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThatThrownBy(() -> FieldDictionary.decode(cut)).as("cut at %d", n)
                    .isInstanceOf(RecordFormatException.class);
        }
        assertThatThrownBy(() -> FieldDictionary.decode(set(good.clone(), 0, 9)))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("unsupported field dictionary version 9");
        byte[] duplicate = FieldDictionary.of(java.util.List.of("x", "y")).encode();
        duplicate[duplicate.length - 1] = 'x';
        assertThatThrownBy(() -> FieldDictionary.decode(duplicate)).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("duplicate name 'x' at id 1");
        assertThatThrownBy(() -> FieldDictionary.decode(Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("unexpected bytes after the last name");
        byte[] badUtf8 = good.clone();
        badUtf8[good.length - 1] = (byte) 0xFF;
        assertThatThrownBy(() -> FieldDictionary.decode(badUtf8)).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("not valid UTF-8");
        assertThat(FieldDictionary.decode(good).names()).containsExactly("alpha", "b\u00e9ta");
    }

    private void expect(byte[] bytes, String message, long offset) {
        expect(dict, bytes, message, offset);
    }

    private static void expect(FieldDictionary d, byte[] bytes, String message, long offset) {
        assertThatThrownBy(() -> Record.wrap(d, bytes)).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((RecordFormatException) e).offset()).isEqualTo(offset));
    }

    private static byte[] set(byte[] bytes, int at, int value) {
        bytes[at] = (byte) value;
        return bytes;
    }

    private static byte[] setShort(byte[] bytes, int at, int value) {
        MemorySegment.ofArray(bytes).set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                at, (short) value);
        return bytes;
    }

    private static byte[] setInt(byte[] bytes, int at, int value) {
        MemorySegment.ofArray(bytes).set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                at, value);
        return bytes;
    }
}
