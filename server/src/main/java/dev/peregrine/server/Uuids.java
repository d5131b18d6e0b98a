package dev.peregrine.server;

import java.util.UUID;
import java.util.regex.Pattern;

/** Strict UUID parsing: {@link UUID#fromString} accepts short groups such as "1-2-3-4-5". */
final class Uuids {
    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Uuids() {
    }

    /** Parses the canonical 36-character form, or fails with a 400 naming {@code what}. */
    static UUID parse(String what, String text) {
        if (!CANONICAL.matcher(text).matches()) {
            throw ApiException.badRequest("'" + what + "' is not a UUID (8-4-4-4-12 hex digits): '"
                    + abbreviate(text) + "'");
        }
        return UUID.fromString(text);
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
