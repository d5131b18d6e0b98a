package dev.peregrine.flight;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * Configuration from properties, the way Logback and Log4j users expect: a file named by the system
 * property {@value #CONFIGURATION_FILE} (like {@code logback.configurationFile}), else
 * {@code flight.properties} on the class path, overridden key by key by {@code -Dflight.*} system
 * properties.
 *
 * <pre>
 * flight.level=INFO                      # default level (also flight.level.ROOT)
 * flight.level.com.acme.db=DEBUG         # per target prefix, longest prefix wins
 * flight.capacity=65536                  # ring slots, power of two
 * flight.slotBytes=128                   # bytes per slot, power of two in [64, 4096]
 * flight.service=orders                  # service name in snapshots
 * flight.host=...                        # host name in snapshots (default $HOSTNAME / local host)
 * flight.snapshot.dir=flight-snapshots
 * flight.snapshot.onShutdown=false
 * flight.snapshot.onSigterm=true         (defaults shown are the SLF4J provider's)
 * flight.snapshot.onUncaughtException=true
 * flight.snapshot.onError=false
 * flight.snapshot.onError.minIntervalMs=60000
 * flight.console=true                    # human-readable lines (coloured on a terminal)
 * flight.console.stderr=false
 * flight.console.color=auto              # auto, true, false
 * flight.file=logs/app.ndjson            # rolling NDJSON file (off when unset)
 * flight.file.maxBytes=67108864
 * flight.file.maxFiles=5
 * flight.http.url=http://127.0.0.1:8080  # forward to a Peregrine server (off when unset)
 * flight.http.batchSize=500
 * flight.http.queueCapacity=10000
 * flight.http.flushIntervalMs=1000
 * flight.intern.maxStrings=65536
 * flight.intern.maxChars=4194304
 * </pre>
 */
public final class FlightProperties {
    /** System property naming the configuration file. */
    public static final String CONFIGURATION_FILE = "flight.configurationFile";
    /** Class-path resource read when no file is named. */
    public static final String DEFAULT_RESOURCE = "flight.properties";

    private static final Set<String> KEYS = Set.of("flight.level", "flight.capacity", "flight.slotBytes", "flight.service",
            "flight.host", "flight.snapshot.dir", "flight.snapshot.onShutdown", "flight.snapshot.onSigterm",
            "flight.snapshot.onUncaughtException", "flight.snapshot.onError", "flight.snapshot.onError.minIntervalMs",
            "flight.console", "flight.console.stderr", "flight.console.color", "flight.file", "flight.file.maxBytes",
            "flight.file.maxFiles", "flight.http.url", "flight.http.batchSize", "flight.http.queueCapacity",
            "flight.http.flushIntervalMs", "flight.intern.maxStrings", "flight.intern.maxChars", CONFIGURATION_FILE);

    private FlightProperties() {
    }

    /**
     * The effective properties: the configuration file (or class-path resource), then {@code flight.*}
     * system properties on top.
     *
     * @throws UncheckedIOException if a named configuration file cannot be read
     */
    public static Properties load() {
        Properties merged = new Properties();
        String file = System.getProperty(CONFIGURATION_FILE);
        try {
            if (file != null) {
                try (InputStream in = Files.newInputStream(Path.of(file))) {
                    merged.load(in);
                }
            } else {
                try (InputStream in = FlightProperties.class.getClassLoader() == null ? null
                        : FlightProperties.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
                    if (in != null) {
                        merged.load(in);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read flight configuration " + (file != null ? file : DEFAULT_RESOURCE), e);
        }
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("flight.")) {
                merged.setProperty(name, System.getProperty(name));
            }
        }
        return merged;
    }

    static void apply(Properties p, FlightRecorder.Builder b) {
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("flight.") && !KEYS.contains(key) && !key.startsWith("flight.level.")) {
                throw new IllegalArgumentException("unknown flight property '" + key + "' (known: " + new java.util.TreeSet<>(KEYS)
                        + " and flight.level.<target prefix>)");
            }
        }
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).strip();
            if (key.equals("flight.level")) {
                b.defaultLevel(level(key, value));
            } else if (key.startsWith("flight.level.")) {
                b.level(key.substring("flight.level.".length()), level(key, value));
            }
        }
        ifSet(p, "flight.capacity", v -> b.capacity(integer("flight.capacity", v)));
        ifSet(p, "flight.slotBytes", v -> b.slotBytes(integer("flight.slotBytes", v)));
        ifSet(p, "flight.service", b::service);
        ifSet(p, "flight.host", b::host);
        ifSet(p, "flight.snapshot.dir", v -> b.snapshotDirectory(Path.of(v)));
        ifSet(p, "flight.snapshot.onShutdown", v -> b.snapshotOnShutdown(bool("flight.snapshot.onShutdown", v)));
        ifSet(p, "flight.snapshot.onSigterm", v -> b.snapshotOnSigterm(bool("flight.snapshot.onSigterm", v)));
        ifSet(p, "flight.snapshot.onUncaughtException", v -> b.snapshotOnUncaughtException(bool("flight.snapshot.onUncaughtException", v)));
        boolean onError = p.containsKey("flight.snapshot.onError") ? bool("flight.snapshot.onError", p.getProperty("flight.snapshot.onError")) : b.snapshotOnError();
        Duration errorInterval = p.containsKey("flight.snapshot.onError.minIntervalMs")
                ? Duration.ofMillis(number("flight.snapshot.onError.minIntervalMs", p.getProperty("flight.snapshot.onError.minIntervalMs")))
                : b.snapshotOnErrorInterval();
        b.snapshotOnError(onError, errorInterval);
        ifSet(p, "flight.console", v -> b.console(bool("flight.console", v)));
        ifSet(p, "flight.console.stderr", v -> b.consoleStderr(bool("flight.console.stderr", v)));
        ifSet(p, "flight.console.color", v -> {
            if (!v.equalsIgnoreCase("auto")) {
                b.consoleColor(bool("flight.console.color", v));
            }
        });
        if (p.containsKey("flight.file")) {
            b.ndjsonFile(Path.of(p.getProperty("flight.file").strip()),
                    p.containsKey("flight.file.maxBytes") ? number("flight.file.maxBytes", p.getProperty("flight.file.maxBytes")) : b.ndjsonMaxBytes(),
                    p.containsKey("flight.file.maxFiles") ? integer("flight.file.maxFiles", p.getProperty("flight.file.maxFiles")) : b.ndjsonMaxFiles());
        }
        if (p.containsKey("flight.http.url")) {
            URI url;
            try {
                url = URI.create(p.getProperty("flight.http.url").strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("flight.http.url: not a URL: " + p.getProperty("flight.http.url"), e);
            }
            b.httpForward(url,
                    p.containsKey("flight.http.batchSize") ? integer("flight.http.batchSize", p.getProperty("flight.http.batchSize")) : b.httpBatchSize(),
                    p.containsKey("flight.http.queueCapacity") ? integer("flight.http.queueCapacity", p.getProperty("flight.http.queueCapacity")) : b.httpQueueCapacity(),
                    p.containsKey("flight.http.flushIntervalMs") ? Duration.ofMillis(number("flight.http.flushIntervalMs", p.getProperty("flight.http.flushIntervalMs"))) : b.httpFlushInterval());
        }
        if (p.containsKey("flight.intern.maxStrings") || p.containsKey("flight.intern.maxChars")) {
            b.internLimits(integer("flight.intern.maxStrings", p.getProperty("flight.intern.maxStrings", "65536")),
                    number("flight.intern.maxChars", p.getProperty("flight.intern.maxChars", "4194304")));
        }
    }

    private static void ifSet(Properties p, String key, java.util.function.Consumer<String> action) {
        String v = p.getProperty(key);
        if (v != null) {
            action.accept(v.strip());
        }
    }

    private static Level level(String key, String value) {
        try {
            return Level.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static boolean bool(String key, String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(key + ": expected true or false, got '" + value + "'");
    }

    private static long number(String key, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected an integer, got '" + value + "'", e);
        }
    }

    private static int integer(String key, String value) {
        long v = number(key, value);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + ": " + v + " is out of int range");
        }
        return (int) v;
    }
}
