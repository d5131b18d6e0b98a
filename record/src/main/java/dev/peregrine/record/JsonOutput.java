package dev.peregrine.record;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Base64;

/**
 * JSON written as UTF-8 into a reusable, growable byte array, with records rendered straight from their encoding:
 * field names come pre-encoded from a per-dictionary cache, strings are copied from the record's UTF-8 with only
 * the escapes added, integers and decimals are written digit by digit without a {@code String}. For a server that
 * renders many records into one response, and for the fixed parts of that response ({@link #raw}).
 *
 * <pre>{@code
 * JsonOutput out = new JsonOutput(1024);
 * out.raw(PREFIX).record(event.payload()).raw(SUFFIX);   // PREFIX = {"payload": as ASCII bytes
 * channel.write(ByteBuffer.wrap(out.buffer(), 0, out.length()));
 * out.clear();                                             // reuse for the next response
 * }</pre>
 *
 * <p><b>The same bytes as Jackson.</b> Every method writes exactly what jackson-core's default UTF-8 generator
 * writes for the same value, so {@link #record} equals {@link JsonCodec#toJsonBytes} byte for byte: control
 * characters as {@code \b \t \n \f \r} or {@code \}{@code u00XX} (upper-case hex), {@code "} and {@code \} escaped,
 * {@code /} and U+007F not; characters outside the Basic Multilingual Plane as their two escaped UTF-16
 * surrogates ({@code \}{@code uD83D\}{@code uDE00}), everything else as raw UTF-8; F64 in {@link Double#toString}
 * form, NaN and infinities as strings; DECIMAL as its stored text; BYTES as padded base64.
 *
 * <p><b>Why by hand.</b> Rendering through Jackson decodes every string and field name of the record into a
 * {@code String} and encodes it again; this copies bytes. Measured with {@code EventJsonBenchmark} (the server's
 * query page of 100 events, 2026-12-02, in docs/benchmarks.md): p50 22.3–23.7 µs against 50.6–51.0 µs through
 * jackson-core's generator in the same runs (2.2× faster), and 25.5 KB allocated per page against 90.2 KB.
 *
 * <p>Not thread-safe: one output per thread.
 */
public final class JsonOutput {

    private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(US_ASCII);
    private static final byte[] HEX_LOWER = "0123456789abcdef".getBytes(US_ASCII);
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(US_ASCII);

    /**
     * What follows a backslash for each ASCII byte that must be escaped: a letter for the short escapes, 'u'
     * for the six-character form, 0 for a byte written as is.
     */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
    }

    /**
     * Field ids below this have their encoded names cached: a dictionary holds the names of every payload key
     * clients ever sent, so an unbounded cache per output could grow as large as the dictionary.
     */
    private static final int NAME_CACHE_IDS = 1 << 16;

    private byte[] bytes;
    private int length;
    // "name": per field id for the dictionary last rendered; names never change once interned, so entries never
    // go stale, and the cache is dropped when a record of another dictionary comes.
    private FieldDictionary namesOf;
    private byte[][] names = new byte[64][];

    /** An empty output with room for {@code initialCapacity} bytes before it grows. */
    public JsonOutput(int initialCapacity) {
        this.bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** Empties the output, keeping its array. */
    public JsonOutput clear() {
        length = 0;
        return this;
    }

    /** Number of bytes written. */
    public int length() {
        return length;
    }

    /** The backing array: the output is its first {@link #length()} bytes. Replaced when the output grows. */
    public byte[] buffer() {
        return bytes;
    }

    /** A copy of the output. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** Writes pre-encoded bytes as they are (fixed parts of a document: punctuation, quoted names). */
    public JsonOutput raw(byte[] encoded) {
        int at = reserve(encoded.length);
        System.arraycopy(encoded, 0, bytes, at, encoded.length);
        return this;
    }

    /** Writes one ASCII character as it is. */
    public JsonOutput raw(char ascii) {
        int at = reserve(1);
        bytes[at] = (byte) ascii;
        return this;
    }

    /** Writes {@code null}. */
    public JsonOutput nullValue() {
        return raw(NULL);
    }

    /** Writes a JSON string ({@code null} when {@code value} is null), escaped as the class Javadoc says. */
    public JsonOutput string(String value) {
        if (value == null) {
            return nullValue();
        }
        int n = value.length();
        ensure(n + 2); // room for the common case, ASCII without escapes, written in one pass
        byte[] out = bytes;
        int pos = length;
        out[pos++] = '"';
        int i = 0;
        for (char c; i < n && (c = value.charAt(i)) < 0x80 && ESCAPES[c] == 0; i++) {
            out[pos++] = (byte) c;
        }
        length = pos;
        for (; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (ESCAPES[c] == 0) {
                    int at = reserve(1);
                    bytes[at] = (byte) c;
                } else {
                    escape(c);
                }
            } else if (c < 0x800) {
                int at = reserve(2);
                bytes[at] = (byte) (0xC0 | c >> 6);
                bytes[at + 1] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                unicodeEscape(c); // Jackson escapes each surrogate, paired or not
            } else {
                int at = reserve(3);
                bytes[at] = (byte) (0xE0 | c >> 12);
                bytes[at + 1] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[at + 2] = (byte) (0x80 | c & 0x3F);
            }
        }
        return raw('"');
    }

    /** Writes an integer. */
    public JsonOutput number(long value) {
        if (value == Long.MIN_VALUE) {
            return raw(LONG_MIN); // its magnitude has no long
        }
        if (value < 0) {
            raw('-');
            value = -value;
        }
        int digits = digitCount(value);
        int at = reserve(digits);
        for (int i = at + digits - 1; i >= at; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return this;
    }

    /** Writes a double as Jackson does: {@link Double#toString}, or a string for NaN and the infinities. */
    public JsonOutput number(double value) {
        String text = Double.toString(value);
        return Double.isFinite(value) ? ascii(text) : raw('"').ascii(text).raw('"');
    }

    /** Writes a non-negative {@code value} in decimal, zero-padded to {@code width} digits. */
    public JsonOutput digits(long value, int width) {
        int at = reserve(width);
        for (int i = at + width - 1; i >= at; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return this;
    }

    /** Writes the low {@code 4 * count} bits of {@code value} as {@code count} lower-case hex digits. */
    public JsonOutput hex(long value, int count) {
        int at = reserve(count);
        for (int i = at + count - 1; i >= at; i--) {
            bytes[i] = HEX_LOWER[(int) value & 0xF];
            value >>>= 4;
        }
        return this;
    }

    /** Writes the record as a JSON object. */
    public JsonOutput record(Record record) {
        namesOf(record.dictionary());
        object(record.segment(), 0);
        return this;
    }

    /** Writes the array as a JSON array. */
    public JsonOutput array(RecordArray array) {
        namesOf(array.dictionary());
        array(array.segment(), 0);
        return this;
    }

    // ---------------------------------------------------------------- records

    private void object(MemorySegment seg, long base) {
        int count = RecordReader.count(seg, base);
        raw('{');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                raw(',');
            }
            name(RecordReader.id(seg, base, i));
            value(seg, base, count, i);
        }
        raw('}');
    }

    private void array(MemorySegment seg, long base) {
        int count = RecordReader.count(seg, base);
        raw('[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                raw(',');
            }
            value(seg, base, count, i);
        }
        raw(']');
    }

    private void value(MemorySegment seg, long base, int count, int i) {
        switch (RecordReader.tag(seg, base, i)) {
            case RecordLayout.TAG_NULL -> raw(NULL);
            case RecordLayout.TAG_FALSE -> raw(FALSE);
            case RecordLayout.TAG_TRUE -> raw(TRUE);
            case RecordLayout.TAG_I64 -> number(RecordReader.readLong(seg, base, i));
            case RecordLayout.TAG_F64 -> number(RecordReader.readDouble(seg, base, i));
            case RecordLayout.TAG_STRING -> {
                long start = RecordReader.valueStart(seg, base, i);
                utf8String(seg, start, RecordReader.valueEnd(seg, base, count, i));
            }
            case RecordLayout.TAG_DECIMAL -> {
                // ASCII digits, signs, '.', 'e': written as stored, as Jackson's writeNumber(String) does.
                long start = RecordReader.valueStart(seg, base, i);
                int n = (int) (RecordReader.valueEnd(seg, base, count, i) - start);
                int at = reserve(n);
                MemorySegment.copy(seg, RecordReader.BYTE, start, bytes, at, n);
            }
            case RecordLayout.TAG_BYTES -> {
                byte[] encoded = Base64.getEncoder().encode(RecordReader.readBytes(seg, base, count, i));
                raw('"').raw(encoded).raw('"');
            }
            case RecordLayout.TAG_OBJECT -> object(seg, RecordReader.valueStart(seg, base, i));
            case RecordLayout.TAG_ARRAY -> array(seg, RecordReader.valueStart(seg, base, i));
            default -> throw new IllegalStateException("unvalidated tag " + RecordReader.tag(seg, base, i));
        }
    }

    private void namesOf(FieldDictionary dictionary) {
        if (dictionary != namesOf) {
            namesOf = dictionary;
            Arrays.fill(names, null);
        }
    }

    /** Writes {@code "name":} for a field id, encoded on first use and cached for the first ids. */
    private void name(int id) {
        if (id >= NAME_CACHE_IDS) {
            string(namesOf.nameOf(id)).raw(':');
            return;
        }
        if (id >= names.length) {
            names = Arrays.copyOf(names, Math.min(NAME_CACHE_IDS, Math.max(id + 1, names.length * 2)));
        }
        byte[] name = names[id];
        if (name == null) {
            int mark = length;
            string(namesOf.nameOf(id)).raw(':');
            names[id] = Arrays.copyOfRange(bytes, mark, length);
            return;
        }
        raw(name);
    }

    /**
     * Copies well-formed UTF-8 (a record's string, validated when it was stored) as a quoted JSON string: ASCII
     * escapes added, a four-byte sequence written as its escaped surrogate pair, everything else copied.
     */
    private void utf8String(MemorySegment seg, long start, long end) {
        raw('"');
        long run = start; // first byte not yet copied
        for (long p = start; p < end; ) {
            int b = seg.get(RecordReader.BYTE, p);
            if (b >= 0) {
                if (ESCAPES[b] == 0) {
                    p++;
                    continue;
                }
                copy(seg, run, p);
                escape((char) b);
                run = ++p;
            } else if ((b & 0xF8) == 0xF0) {
                copy(seg, run, p);
                int cp = (b & 0x07) << 18 | (seg.get(RecordReader.BYTE, p + 1) & 0x3F) << 12
                        | (seg.get(RecordReader.BYTE, p + 2) & 0x3F) << 6 | seg.get(RecordReader.BYTE, p + 3) & 0x3F;
                unicodeEscape(Character.highSurrogate(cp));
                unicodeEscape(Character.lowSurrogate(cp));
                run = p += 4;
            } else {
                p += (b & 0xE0) == 0xC0 ? 2 : 3;
            }
        }
        copy(seg, run, end);
        raw('"');
    }

    private void copy(MemorySegment seg, long from, long to) {
        int n = (int) (to - from);
        if (n > 0) {
            int at = reserve(n);
            MemorySegment.copy(seg, RecordReader.BYTE, from, bytes, at, n);
        }
    }

    /** Writes the escape of an ASCII character that {@link #ESCAPES} marks. */
    private void escape(char c) {
        byte e = ESCAPES[c];
        if (e == 'u') {
            unicodeEscape(c);
        } else {
            int at = reserve(2);
            bytes[at] = '\\';
            bytes[at + 1] = e;
        }
    }

    private void unicodeEscape(char c) {
        int at = reserve(6);
        bytes[at] = '\\';
        bytes[at + 1] = 'u';
        bytes[at + 2] = HEX_UPPER[c >> 12];
        bytes[at + 3] = HEX_UPPER[c >> 8 & 0xF];
        bytes[at + 4] = HEX_UPPER[c >> 4 & 0xF];
        bytes[at + 5] = HEX_UPPER[c & 0xF];
    }

    private JsonOutput ascii(String text) {
        int n = text.length();
        int at = reserve(n);
        for (int i = 0; i < n; i++) {
            bytes[at + i] = (byte) text.charAt(i);
        }
        return this;
    }

    private static int digitCount(long value) {
        int digits = 1;
        for (long limit = 10; digits < 19 && value >= limit; limit *= 10) {
            digits++;
        }
        return digits;
    }

    /** Makes room for {@code n} more bytes and returns where they start; {@link #length} already counts them. */
    private int reserve(int n) {
        ensure(n);
        int at = length;
        length = at + n;
        return at;
    }

    /** Grows the array, if needed, to hold {@code n} more bytes. */
    private void ensure(int n) {
        int end = length + n;
        if (end > bytes.length) {
            if (end < 0) {
                throw new IllegalStateException("JSON output larger than 2 GiB");
            }
            bytes = Arrays.copyOf(bytes, Math.max(end, (int) Math.min(Integer.MAX_VALUE - 16, bytes.length * 2L)));
        }
    }
}
