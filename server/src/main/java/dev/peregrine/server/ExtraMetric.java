package dev.peregrine.server;

import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * A metric that the embedding application adds to {@code GET /metrics}, read from {@code value}
 * at every scrape. This keeps the server free of dependencies on what it reports: the command line
 * adds the flight recorder's counters this way, and the server never imports the flight module.
 *
 * @param kind  whether the value only ever grows ({@link Kind#COUNTER}) or goes up and down
 * @param name  the Prometheus name; a counter's ends in {@code _total}
 * @param help  one line saying what it counts
 * @param value read at each scrape, on the scraping event loop, so it must be cheap and must not block
 */
public record ExtraMetric(Kind kind, String name, String help, DoubleSupplier value) {

    /** Prometheus metric kinds that a callback can report. */
    public enum Kind {
        /** Monotonic since the process started. */
        COUNTER,
        /** A current level. */
        GAUGE
    }

    /** Checks the arguments. */
    public ExtraMetric {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(value, "value");
        if (kind == Kind.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
    }
}
