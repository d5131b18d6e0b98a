package dev.peregrine.server;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * RFC 3339 timestamps as the API speaks them: always written in UTC with {@value #FRACTION_DIGITS}
 * fractional digits (fixed width, so they also sort as text), read with any offset. Stateless.
 */
final class Timestamps {
    /** Nanoseconds: the store keeps timestamps in nanoseconds, and a time parameter echoed back must select exactly the same events. */
    static final int FRACTION_DIGITS = 9;

    private static final DateTimeFormatter WRITER = new DateTimeFormatterBuilder()
            .appendInstant(FRACTION_DIGITS)
            .toFormatter(Locale.ROOT);

    private Timestamps() {
    }

    /** "2024-01-15T10:00:00.000000Z". */
    static String format(Instant instant) {
        return WRITER.format(instant);
    }

    /**
     * Parses an RFC 3339 timestamp with any offset ({@code Z}, {@code +02:00}, {@code -05:30}).
     * A space where the offset's plus sign should be is read as '+': an unencoded '+' in a query
     * string arrives decoded as a space.
     *
     * @throws ApiException 400 naming the parameter
     */
    static Instant parse(String parameter, String text) {
        String normalized = text.toUpperCase(Locale.ROOT);
        int signAt = normalized.length() - 6;
        if (signAt > 0 && normalized.charAt(signAt) == ' ' && normalized.charAt(signAt + 3) == ':') {
            normalized = normalized.substring(0, signAt) + '+' + normalized.substring(signAt + 1);
        }
        try {
            return OffsetDateTime.parse(normalized, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("parameter '" + parameter + "' is not an RFC 3339 timestamp with an offset"
                    + " (for example 2024-01-15T10:00:00Z or 2024-01-15T12:00:00+02:00): '" + text + "'");
        }
    }
}
