package dev.peregrine.flight;

import java.util.Locale;

/**
 * Severity of a flight event, ordered from least to most severe. {@link #OFF} is only a threshold:
 * no event carries it.
 */
public enum Level {
    /** Finest-grained diagnostics. */
    TRACE,
    /** Diagnostics useful while debugging. */
    DEBUG,
    /** Normal operation. */
    INFO,
    /** Something unexpected that the application survived. */
    WARN,
    /** A failure. */
    ERROR,
    /** Threshold that disables every level. */
    OFF;

    private static final Level[] VALUES = values();

    /** The level's code in the ring and in snapshot files (its ordinal, 0..5). */
    public int code() {
        return ordinal();
    }

    /**
     * The level with the given code.
     *
     * @throws IllegalArgumentException if the code names no level
     */
    public static Level ofCode(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new IllegalArgumentException("no level has code " + code + " (valid: 0.." + (VALUES.length - 1) + ")");
        }
        return VALUES[code];
    }

    /**
     * Parses a level name as Logback and Log4j spell them, case-insensitively; {@code WARNING} and
     * {@code FATAL} are accepted as aliases of {@link #WARN} and {@link #ERROR}, {@code ALL} of
     * {@link #TRACE}.
     *
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public static Level parse(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        return switch (n) {
            case "TRACE", "ALL" -> TRACE;
            case "DEBUG" -> DEBUG;
            case "INFO" -> INFO;
            case "WARN", "WARNING" -> WARN;
            case "ERROR", "FATAL" -> ERROR;
            case "OFF" -> OFF;
            default -> throw new IllegalArgumentException(
                    "unknown level '" + name + "' (expected TRACE, DEBUG, INFO, WARN, ERROR or OFF)");
        };
    }

    /** Lower-case name used in event types ({@code log.info}) and JSON. */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
