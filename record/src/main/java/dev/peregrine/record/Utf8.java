package dev.peregrine.record;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 encoding without allocation, strict validation, and decoding: the one UTF-8 validator of Peregrine,
 * used for record strings, dictionary names, JSON request bodies, and percent-decoded paths and query
 * parameters. Written by hand because the JDK's encoders allocate a new array per string and silently replace
 * unpaired surrogates, which would break the round trip the format promises, and because the JSON parser
 * (jackson-core) decodes UTF-8 leniently: it checks only that continuation bytes are {@code 10xxxxxx}, so it
 * turns the overlong {@code C0 AF} into '/', and {@code ED A0 80} or {@code F4 90 80 80} into unpaired
 * surrogates. Every JSON body is therefore checked here, as bytes, before it is parsed.
 *
 * <p>Stateless and thread-safe.
 */
public final class Utf8 {

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    // Why a sequence is ill-formed; negative so that they cannot be mistaken for a length.
    private static final int OVERLONG = -1;
    private static final int SURROGATE = -2;
    private static final int ABOVE_MAX = -3;
    private static final int TRUNCATED = -4;
    private static final int CONTINUATION = -5;
    private static final int NEVER_VALID = -6;

    private Utf8() {
    }

    /**
     * Encoded length of {@code s}, or -1 - index of the first unpaired surrogate.
     */
    static int encodedLength(CharSequence s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return -1 - i;
                }
                bytes += 2; // two chars, four bytes
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return -1 - i;
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    /** Same as {@link #encodedLength(CharSequence)} for a char array range. */
    static int encodedLength(char[] s, int off, int len) {
        int end = off + len;
        int bytes = len;
        for (int i = off; i < end; i++) {
            char c = s[i];
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= end || !Character.isLowSurrogate(s[i + 1])) {
                    return -1 - (i - off);
                }
                bytes += 2;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return -1 - (i - off);
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    /** Encodes {@code s} (checked with {@link #encodedLength}) at {@code pos}; returns the end position. */
    static int encode(CharSequence s, byte[] dst, int pos) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst[pos++] = (byte) c;
            } else {
                int cp = c;
                if (Character.isHighSurrogate(c)) {
                    cp = Character.toCodePoint(c, s.charAt(++i));
                }
                pos = encodeCodePoint(cp, dst, pos);
            }
        }
        return pos;
    }

    /** Encodes a char array range (checked with {@link #encodedLength}) at {@code pos}; returns the end. */
    static int encode(char[] s, int off, int len, byte[] dst, int pos) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            char c = s[i];
            if (c < 0x80) {
                dst[pos++] = (byte) c;
            } else {
                int cp = c;
                if (Character.isHighSurrogate(c)) {
                    cp = Character.toCodePoint(c, s[++i]);
                }
                pos = encodeCodePoint(cp, dst, pos);
            }
        }
        return pos;
    }

    private static int encodeCodePoint(int cp, byte[] dst, int pos) {
        if (cp < 0x800) {
            dst[pos++] = (byte) (0xC0 | (cp >>> 6));
        } else if (cp < 0x10000) {
            dst[pos++] = (byte) (0xE0 | (cp >>> 12));
            dst[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        } else {
            dst[pos++] = (byte) (0xF0 | (cp >>> 18));
            dst[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
            dst[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        }
        dst[pos++] = (byte) (0x80 | (cp & 0x3F));
        return pos;
    }

    /**
     * Offset of the first ill-formed sequence in {@code bytes[from, to)}, or -1 when the range is well-formed
     * UTF-8; see {@link #firstInvalid(MemorySegment, long, long)}.
     */
    public static int firstInvalid(byte[] bytes, int from, int to) {
        return (int) firstInvalid(MemorySegment.ofArray(bytes), from, to);
    }

    /**
     * Checks that {@code [from, to)} of {@code seg} is well-formed UTF-8 as the Unicode Standard defines it
     * (table 3-7; RFC 3629): no overlong forms ({@code C0 AF} for '/'), no surrogate code points
     * ({@code ED A0 80}), nothing above U+10FFFF ({@code F4 90 80 80}, {@code F5}..{@code FF}), no truncated
     * sequence and no stray continuation byte. Returns -1 when valid, else the offset of the first byte of
     * the first ill-formed sequence (the same offset a strict {@link java.nio.charset.CharsetDecoder} stops at).
     *
     * <p>Runs over every request body, so ASCII, by far the most common content, is skipped eight bytes per
     * step; only the bytes of multi-byte sequences are looked at one by one.
     */
    public static long firstInvalid(MemorySegment seg, long from, long to) {
        long i = from;
        while (i < to) {
            if (i + Long.BYTES <= to && (seg.get(WORD, i) & HIGH_BITS) == 0) {
                i += Long.BYTES;
            } else if (seg.get(ValueLayout.JAVA_BYTE, i) >= 0) {
                i++;
            } else {
                int length = sequence(seg, i, to);
                if (length < 0) {
                    return i;
                }
                i += length;
            }
        }
        return -1;
    }

    /**
     * What is wrong with the ill-formed sequence at {@code at} (an offset {@link #firstInvalid} returned), in
     * the words error messages use: {@code "invalid UTF-8 (overlong encoding) at byte 3"}, where the byte is
     * counted from {@code from}.
     */
    public static String describeInvalid(byte[] bytes, int from, int at, int to) {
        int problem = sequence(MemorySegment.ofArray(bytes), at, to);
        String what = switch (problem) {
            case OVERLONG -> "overlong encoding";
            case SURROGATE -> "surrogate code point";
            case ABOVE_MAX -> "code point above U+10FFFF";
            case TRUNCATED -> "truncated sequence";
            case CONTINUATION -> "unexpected continuation byte";
            case NEVER_VALID -> "byte " + String.format("0x%02X", bytes[at] & 0xFF) + " never occurs in UTF-8";
            default -> throw new IllegalArgumentException("the sequence at " + at + " is well-formed");
        };
        return "invalid UTF-8 (" + what + ") at byte " + (at - from);
    }

    /**
     * The length of the well-formed multi-byte sequence whose lead byte (0x80 or above) is at {@code i}, or why
     * it is ill-formed. The lead byte fixes the length and the range of the second byte (Unicode table 3-7),
     * which is where overlongs, surrogates and values above U+10FFFF show; later bytes need only be
     * continuation bytes.
     */
    private static int sequence(MemorySegment seg, long i, long to) {
        int lead = seg.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
        int length;
        int secondMin = 0x80;
        int secondMax = 0xBF;
        int outOfRange = TRUNCATED;
        if (lead < 0xC0) {
            return lead < 0x80 ? 1 : CONTINUATION;
        } else if (lead < 0xC2) {
            return OVERLONG; // C0 and C1 can only encode U+0000..U+007F
        } else if (lead < 0xE0) {
            length = 2;
        } else if (lead < 0xF0) {
            length = 3;
            if (lead == 0xE0) {
                secondMin = 0xA0;
                outOfRange = OVERLONG;
            } else if (lead == 0xED) {
                secondMax = 0x9F;
                outOfRange = SURROGATE;
            }
        } else if (lead < 0xF5) {
            length = 4;
            if (lead == 0xF0) {
                secondMin = 0x90;
                outOfRange = OVERLONG;
            } else if (lead == 0xF4) {
                secondMax = 0x8F;
                outOfRange = ABOVE_MAX;
            }
        } else {
            return lead < 0xF8 ? ABOVE_MAX : NEVER_VALID;
        }
        if (i + 1 >= to) {
            return TRUNCATED;
        }
        int second = seg.get(ValueLayout.JAVA_BYTE, i + 1) & 0xFF;
        if (second < 0x80 || second > 0xBF) {
            return TRUNCATED; // the lead byte promised a continuation byte that is not there
        }
        if (second < secondMin || second > secondMax) {
            return outOfRange;
        }
        for (int k = 2; k < length; k++) {
            if (i + k >= to || (seg.get(ValueLayout.JAVA_BYTE, i + k) & 0xC0) != 0x80) {
                return TRUNCATED;
            }
        }
        return length;
    }

    /** Decodes validated UTF-8. */
    static String decode(MemorySegment seg, long offset, int length) {
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, offset, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Decodes validated UTF-8 held in a byte array. */
    static String decode(byte[] array, int offset, int length) {
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }
}
