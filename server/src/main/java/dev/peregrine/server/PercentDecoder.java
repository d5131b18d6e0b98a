package dev.peregrine.server;

import dev.peregrine.record.Utf8;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decodes path segments and query-string components (RFC 3986), strictly: a malformed
 * escape, or bytes that are not well-formed UTF-8 once decoded (checked by the one validator,
 * {@link Utf8}: overlong forms, encoded surrogates and the rest), are a 400 naming the parameter,
 * never silently replaced, because these values are entity ids, types and filters. Stateless.
 *
 * <p>Netty hands the request target over as ISO-8859-1 text, one char per byte, so a raw
 * (unescaped) non-ASCII byte arrives as a char below U+0100 and is taken back as that byte: raw
 * UTF-8 in a URL is read as the UTF-8 it is, not as Latin-1 mojibake.
 */
final class PercentDecoder {
    private PercentDecoder() {
    }

    /** A path segment: {@code +} stays a plus sign (form encoding does not apply to paths). */
    static String pathSegment(String raw, String name) {
        return decode(raw, false, "path parameter '" + name + "'");
    }

    /** A query-string name or value in form encoding: {@code +} is a space. */
    static String queryComponent(String raw, String what) {
        return decode(raw, true, what);
    }

    private static String decode(String raw, boolean plusIsSpace, String what) {
        if (isPlain(raw, plusIsSpace)) {
            return raw;
        }
        byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw ApiException.badRequest(what + ": malformed percent-escape '"
                            + raw.substring(i, Math.min(i + 3, raw.length())) + "'");
                }
                bytes[n++] = (byte) (high << 4 | low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes[n++] = ' ';
            } else if (c <= 0xFF) {
                bytes[n++] = (byte) c;
            } else {
                throw ApiException.badRequest(what + ": U+" + String.format("%04X", (int) c)
                        + " is not a byte of the request");
            }
        }
        int bad = Utf8.firstInvalid(bytes, 0, n);
        if (bad >= 0) {
            throw ApiException.badRequest(what + ": " + Utf8.describeInvalid(bytes, 0, bad, n)
                    + " after percent-decoding");
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** Whether {@code raw} is its own decoding: ASCII without escapes (or plus signs, in a query). */
    private static boolean isPlain(String raw, boolean plusIsSpace) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' || c >= 0x80 || (c == '+' && plusIsSpace)) {
                return false;
            }
        }
        return true;
    }
}
