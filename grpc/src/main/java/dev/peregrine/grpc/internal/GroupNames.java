package dev.peregrine.grpc.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The consumer-group name of a KurrentDB persistent subscription. KurrentDB names a subscription by
 * its stream ({@value #ALL} for {@code $all}) and its group; a Peregrine group has one flat name of
 * at most {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9_.-]}. The encoding is reversible, so
 * that {@code List} can name the stream and group of every stored group without keeping a table:
 *
 * <pre>
 * name    = "kdb.." escaped(stream) ".." escaped(group)
 * escaped = every UTF-8 byte of [A-Za-z0-9_-] as it is, every other byte as "." and two upper-case hex digits
 * </pre>
 *
 * <p>In an escaped part a dot is always followed by two hex digits, so {@code ".."} only ever
 * separates. Stream {@code orders}, group {@code billing} is {@code kdb..orders..billing}; {@code $all},
 * group {@code audit} is {@code kdb...24all..audit}. Groups of other names (made over HTTP) are not
 * persistent subscriptions of this endpoint.
 */
final class GroupNames {
    /** The stream name of subscriptions to {@code $all}. */
    static final String ALL = "$all";
    static final int MAX_LENGTH = 128;
    private static final String PREFIX = "kdb..";
    private static final String SEPARATOR = "..";
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private GroupNames() {
    }

    /** A subscription's stream and group. */
    record Key(String stream, String group) {
        boolean isAll() {
            return ALL.equals(stream);
        }
    }

    /**
     * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when the group is empty or the encoded
     *         name is longer than the store allows
     */
    static String encode(String stream, String group) {
        if (group.isEmpty()) {
            throw Errors.invalid("a persistent subscription needs a group name");
        }
        if (stream.isEmpty()) {
            throw Errors.invalid("a persistent subscription needs a stream name");
        }
        String name = PREFIX + escape(stream) + SEPARATOR + escape(group);
        if (name.length() > MAX_LENGTH) {
            throw Errors.invalid("stream '" + stream + "' and group '" + group + "' are too long together: their"
                    + " consumer group name '" + name + "' has " + name.length() + " characters, at most "
                    + MAX_LENGTH + " are allowed (characters other than letters, digits, '_' and '-' take 3 each)");
        }
        return name;
    }

    /** @return the stream and group a group name encodes; empty for a name this class did not make */
    static Optional<Key> decode(String name) {
        if (!name.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = name.substring(PREFIX.length());
        int separator = rest.indexOf(SEPARATOR);
        if (separator < 0) {
            return Optional.empty();
        }
        String stream = unescape(rest.substring(0, separator));
        String group = unescape(rest.substring(separator + SEPARATOR.length()));
        return stream == null || group == null || stream.isEmpty() || group.isEmpty()
                ? Optional.empty() : Optional.of(new Key(stream, group));
    }

    private static String escape(String part) {
        StringBuilder out = new StringBuilder(part.length());
        for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
            if (kept(b)) {
                out.append((char) b);
            } else {
                out.append('.').append(HEX.toHexDigits(b));
            }
        }
        return out.toString();
    }

    /** @return the part, or {@code null} when it is not an escaped part */
    private static String unescape(String part) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '.') {
                if (i + 2 >= part.length() || !HexFormat.isHexDigit(part.charAt(i + 1)) || !HexFormat.isHexDigit(part.charAt(i + 2))) {
                    return null;
                }
                bytes.write(HexFormat.fromHexDigits(part, i + 1, i + 3));
                i += 2;
            } else if (c < 0x80 && kept((byte) c)) {
                bytes.write(c);
            } else {
                return null;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean kept(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '-';
    }
}
