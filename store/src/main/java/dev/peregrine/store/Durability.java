package dev.peregrine.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When an append is acknowledged relative to the moment its bytes are forced to stable storage.
 * {@code docs/durability.md} states exactly what each policy promises after a process crash and after
 * an operating-system crash or power loss.
 *
 * <ul>
 *   <li>{@link #fsync()} (the default): the future completes only after a {@code force} covering the
 *       event returned. One force covers every append that arrived while the previous force ran
 *       (group commit).</li>
 *   <li>{@link #interval(Duration)}: the future completes once the event is written to the mapped
 *       file; a force runs at least every interval. A power loss may lose up to one interval of
 *       acknowledged events; a process crash loses nothing acknowledged.</li>
 *   <li>{@link #none()}: never forced except at {@link EventStore#close()}; a process crash loses
 *       nothing acknowledged (the page cache survives), a power loss may lose anything not yet
 *       written back by the OS.</li>
 * </ul>
 */
public final class Durability {

    /** The three policies. */
    public enum Mode {
        /** Acknowledge after force. */
        FSYNC,
        /** Acknowledge after write; force periodically. */
        INTERVAL,
        /** Acknowledge after write; force only on close. */
        NONE
    }

    private static final Durability FSYNC = new Durability(Mode.FSYNC, Duration.ZERO);
    private static final Durability NONE = new Durability(Mode.NONE, Duration.ZERO);

    private final Mode mode;
    private final Duration interval;

    private Durability(Mode mode, Duration interval) {
        this.mode = mode;
        this.interval = interval;
    }

    /** @return acknowledge after {@code force} (group commit); the default */
    public static Durability fsync() {
        return FSYNC;
    }

    /**
     * @param interval the longest time between forces; at least 1 ms
     * @return acknowledge after write, force at least every {@code interval}
     */
    public static Durability interval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("durability interval must be at least 1 ms, got " + interval);
        }
        return new Durability(Mode.INTERVAL, interval);
    }

    /** @return acknowledge after write, force only on close */
    public static Durability none() {
        return NONE;
    }

    /**
     * Parses the textual form used by configuration files, flags and environment variables.
     *
     * @param text {@code "fsync"}, {@code "none"} or {@code "interval:<milliseconds>"}
     * @return the policy
     * @throws IllegalArgumentException naming the accepted forms when {@code text} is none of them
     */
    public static Durability parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("fsync")) {
            return FSYNC;
        }
        if (t.equals("none")) {
            return NONE;
        }
        if (t.startsWith("interval:")) {
            String ms = t.substring("interval:".length());
            try {
                return interval(Duration.ofMillis(Long.parseLong(ms)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("durability interval must be a whole number of milliseconds, got '"
                        + ms + "'", e);
            }
        }
        throw new IllegalArgumentException("durability must be 'fsync', 'none' or 'interval:<ms>', got '" + text + "'");
    }

    /** @return which policy this is */
    public Mode mode() {
        return mode;
    }

    /** @return the force interval, present only for {@link Mode#INTERVAL} */
    public Optional<Duration> interval() {
        return mode == Mode.INTERVAL ? Optional.of(interval) : Optional.empty();
    }

    /** @return the textual form accepted by {@link #parse(String)} */
    @Override
    public String toString() {
        return switch (mode) {
            case FSYNC -> "fsync";
            case NONE -> "none";
            case INTERVAL -> "interval:" + interval.toMillis();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Durability d && d.mode == mode && d.interval.equals(interval);
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + interval.hashCode();
    }
}
