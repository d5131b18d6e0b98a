package dev.peregrine.record;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 encoding without allocation, strict validation, and decoding. Written by hand because the JDK's
 * encoders allocate a new array per string and silently replace unpaired surrogates, which would break the
 * round trip the format promises.
 */
final class Utf8 {

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
     * Checks that {@code [from, to)} of {@code seg} is well-formed UTF-8 (RFC 3629: no overlong forms, no
     * surrogates, nothing above U+10FFFF). Returns -1 when valid, else the offset of the first bad byte.
     */
    static long firstInvalid(MemorySegment seg, long from, long to) {
        long i = from;
        while (i < to) {
            int b = seg.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + need >= to) {
                return i; // truncated sequence
            }
            int cp = b & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int c = seg.get(ValueLayout.JAVA_BYTE, i + k) & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += need + 1;
        }
        return -1;
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
