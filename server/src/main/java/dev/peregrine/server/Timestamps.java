package dev.peregrine.server;

import dev.peregrine.record.JsonOutput;
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

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;
    private static final long DAYS_PER_ERA = 146_097L;
    private static final long DAYS_0000_03_01_TO_EPOCH = 719_468L;

    private Timestamps() {
    }

    /** "2024-01-15T10:00:00.000000000Z". */
    static String format(Instant instant) {
        return WRITER.format(instant);
    }

    /**
     * Writes {@link #format} of {@code epochNanos} as a JSON string, without allocating: the calendar
     * fields come from the day number by the civil-from-days algorithm of the proleptic Gregorian
     * calendar (as {@code LocalDate.ofEpochDay}). A {@code long} of nanoseconds spans the years 1677
     * to 2262, all of which the formatter writes with four digits, so the widths here are fixed.
     */
    static void write(long epochNanos, JsonOutput out) {
        long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
        long nanos = Math.floorMod(epochNanos, NANOS_PER_SECOND);
        long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
        long secondOfDay = Math.floorMod(seconds, SECONDS_PER_DAY);
        // Days counted from 0000-03-01, so that the leap day ends each 400-year era's years.
        long z = day + DAYS_0000_03_01_TO_EPOCH;
        long era = Math.floorDiv(z, DAYS_PER_ERA);
        long dayOfEra = z - era * DAYS_PER_ERA;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthFromMarch = (5 * dayOfYear + 2) / 153;
        long dayOfMonth = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        long month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        out.raw('"').digits(year, 4).raw('-').digits(month, 2).raw('-').digits(dayOfMonth, 2)
                .raw('T').digits(secondOfDay / 3600, 2).raw(':').digits(secondOfDay / 60 % 60, 2)
                .raw(':').digits(secondOfDay % 60, 2).raw('.').digits(nanos, FRACTION_DIGITS).raw('Z').raw('"');
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
