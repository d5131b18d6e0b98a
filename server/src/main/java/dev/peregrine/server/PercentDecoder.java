package dev.peregrine.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decodes one path segment (RFC 3986), strictly: a malformed escape or bytes that are not
 * UTF-8 are a 400, never silently replaced, because a path segment here is an entity or event id.
 * {@code +} stays a plus sign (form encoding does not apply to paths). Stateless.
 */
final class PathDecoder {
    private PathDecoder() {
    }

    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= segment.length()) {
                throw ApiException.badRequest("malformed percent-escape at the end of path segment '" + segment + "'");
            }
            int high = Character.digit(segment.charAt(i + 1), 16);
            int low = Character.digit(segment.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                throw ApiException.badRequest("malformed percent-escape '" + segment.substring(i, i + 3)
                        + "' in path segment");
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("path segment is not valid UTF-8 after percent-decoding");
        }
    }
}
