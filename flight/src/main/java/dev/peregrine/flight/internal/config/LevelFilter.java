package dev.peregrine.flight.internal.config;

import dev.peregrine.flight.Level;
import java.util.Map;
import java.util.TreeMap;

/**
 * A default level plus per-target levels; the longest matching prefix wins, matching on the dots of
 * logger names as Logback and Log4j do: {@code com.acme} applies to {@code com.acme} and
 * {@code com.acme.db.Pool}, not to {@code com.acmeish}. Immutable.
 */
public final class LevelFilter {
    private final Level defaultLevel;
    private final Map<String, Level> byPrefix;

    public LevelFilter(Level defaultLevel, Map<String, Level> byPrefix) {
        this.defaultLevel = defaultLevel;
        this.byPrefix = Map.copyOf(byPrefix);
    }

    /** The threshold for {@code target}: events below it are filtered. */
    public Level levelFor(String target) {
        String name = target;
        while (true) {
            Level level = byPrefix.get(name);
            if (level != null) {
                return level;
            }
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                return defaultLevel;
            }
            name = name.substring(0, dot);
        }
    }

    /** A filter with {@code prefix} set to {@code level} (the empty prefix or {@code ROOT} sets the default). */
    public LevelFilter with(String prefix, Level level) {
        if (prefix.isEmpty() || prefix.equalsIgnoreCase("ROOT")) {
            return new LevelFilter(level, byPrefix);
        }
        Map<String, Level> copy = new TreeMap<>(byPrefix);
        copy.put(prefix, level);
        return new LevelFilter(defaultLevel, copy);
    }

    public Level defaultLevel() {
        return defaultLevel;
    }

    public Map<String, Level> byPrefix() {
        return byPrefix;
    }
}
