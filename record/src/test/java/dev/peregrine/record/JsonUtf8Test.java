package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The strict UTF-8 corpus through every kind of string of a JSON document parsed from bytes: values at the top,
 * nested and in arrays, field names at every level. Each ill-formed sequence is refused before anything is
 * interned, with an error naming the string by its path and the byte within it.
 */
class JsonUtf8Test {

    private static final long SEED = 0x0A11_2026L;

    /** A document with {@code @} where the bad bytes go, the path the error must name, and the bytes before. */
    record Place(String template, String label, int bytesBefore) {
    }

    static final List<Place> PLACES = List.of(
            new Place("{\"k\":\"a@b\"}", "k", 1),
            new Place("{\"user\":{\"name\":\"@\"}}", "user.name", 0),
            new Place("{\"list\":[1,\"x\",\"@\"]}", "list[2]", 0),
            new Place("{\"a\":[{\"b\":[null,\"ok\",\"xy@\"]}]}", "a[0].b[2]", 2),
            new Place("{\"@\":1}", "field name at the top level", 0),
            new Place("{\"ok\":1,\"user\":{\"na@me\":1}}", "field name in user", 2),
            new Place("{\"a\":[{\"k@\":1}]}", "field name in a[0]", 1),
            // Escapes count as written, and valid multi-byte text before the damage is not damage.
            new Place("{\"k\":\"\\n\\u00e9@\"}", "k", 8),
            new Place("{\"\u00e9\":\"\u65e5\u672c@\"}", "\u00e9", 6));

    /** The sequences of the issue and one of every other kind, with the reason each must be given. */
    static final String[][] NAMED = {
        {"C0 AF", "overlong encoding"},
        {"C0 AE C0 AE C0 AF", "overlong encoding"},
        {"E0 80 AF", "overlong encoding"},
        {"C1 A1", "overlong encoding"},
        {"ED A0 80", "surrogate code point"},
        {"F4 90 80 80", "code point above U+10FFFF"},
        {"F5 80 80 80", "code point above U+10FFFF"},
        {"E2 82", "truncated sequence"},
        {"80", "unexpected continuation byte"},
        {"FF", "byte 0xFF never occurs in UTF-8"},
    };

    private final FieldDictionary dict = FieldDictionary.create();

    @Test
    void namedSequencesAreRefusedNamingTheStringAndTheReason() {
        for (Place place : PLACES) {
            for (String[] named : NAMED) {
                byte[] bad = HexFormat.ofDelimiter(" ").parseHex(named[0]);
                String expected = place.label() + ": invalid UTF-8 (" + named[1] + ") at byte " + place.bytesBefore();
                assertRefused(document(place, bad), expected, place + " with " + named[0]);
            }
        }
    }

    @Test
    void generatedIllFormedSequencesAreRefusedWhereTheJdkDecoderStops() {
        Random random = new Random(SEED);
        int checked = 0;
        while (checked < 3_000) {
            byte[] bad = new byte[1 + random.nextInt(4)];
            for (int i = 0; i < bad.length; i++) {
                bad[i] = (byte) (0x80 + random.nextInt(0x80)); // only non-ASCII, so the JSON structure stays
            }
            int first = Utf8Test.jdkFirstInvalid(bad);
            if (first < 0) {
                continue; // happened to be well-formed
            }
            Place place = PLACES.get(random.nextInt(PLACES.size()));
            String context = "seed " + SEED + ", " + place + " with " + HexFormat.ofDelimiter(" ").formatHex(bad);
            InvalidJsonException e = assertRefused(document(place, bad), null, context);
            assertThat(e.problem()).as(context).startsWith(place.label() + ": invalid UTF-8 (")
                    .endsWith(") at byte " + (place.bytesBefore() + first));
            checked++;
        }
    }

    @Test
    void wellFormedTextStillParses() {
        Record r = JsonCodec.defaults().parse(dict, "{\"\u00e9\":\"\u65e5\u672c \ud83d\ude00 \u00ff\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(r.getString("\u00e9")).isEqualTo("\u65e5\u672c \ud83d\ude00 \u00ff");
    }

    @Test
    void damageOutsideAnyStringIsNamedByItsOffsetInTheDocument() {
        byte[] json = Utf8Test.concat("{\"a\":1,".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC0,
            (byte) 0xAF}, "}".getBytes(StandardCharsets.US_ASCII));
        assertRefused(json, "invalid UTF-8 (overlong encoding) at byte 7 of the document", "outside a string");
    }

    private InvalidJsonException assertRefused(byte[] json, String expectedProblem, String context) {
        int namesBefore = dict.size();
        InvalidJsonException e = catchThrowableOfType(InvalidJsonException.class,
                () -> JsonCodec.defaults().parse(dict, json));
        assertThat(e).as(context).isNotNull();
        if (expectedProblem != null) {
            assertThat(e.problem()).as(context).isEqualTo(expectedProblem);
        }
        // The same through the buffer-reusing entry point, with the document inside a larger array.
        byte[] padded = Utf8Test.concat("xx".getBytes(StandardCharsets.US_ASCII), json, "yy".getBytes(StandardCharsets.US_ASCII));
        InvalidJsonException again = catchThrowableOfType(InvalidJsonException.class,
                () -> JsonCodec.defaults().parseInto(dict, padded, 2, json.length, RecordBuffer.create()));
        assertThat(again).as(context).isNotNull();
        assertThat(again.problem()).as(context).isEqualTo(e.problem());
        assertThat(dict.size()).as("nothing interned: " + context).isEqualTo(namesBefore);
        return e;
    }

    private static byte[] document(Place place, byte[] bad) {
        String[] halves = place.template().split("@", 2);
        List<byte[]> parts = new ArrayList<>();
        parts.add(halves[0].getBytes(StandardCharsets.UTF_8));
        parts.add(bad);
        parts.add(halves[1].getBytes(StandardCharsets.UTF_8));
        return Utf8Test.concat(parts.toArray(new byte[0][]));
    }
}
