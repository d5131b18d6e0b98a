package dev.peregrine.flight.internal.intern;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps strings (targets, templates, field keys, thread names, exception class names) to dense int ids
 * and back. Lookups use {@link String#equals}: two different strings never share an id, whatever
 * their hash codes.
 *
 * <p>Storage is bounded: at most {@code maxStrings} strings and {@code maxChars} characters in total.
 * Once full, {@link #intern} returns {@link #FULL} and the caller stores the text inline instead, so
 * a program that logs with dynamic templates cannot grow the table without bound.
 *
 * <p>Thread-safety: lookups of known strings are lock-free (a {@link ConcurrentHashMap} read, no
 * allocation). Adding a string takes a lock; it happens once per distinct string.
 */
public final class Interner {
    /** Returned when the table is full. */
    public static final int FULL = -1;

    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    private final int maxStrings;
    private final long maxChars;
    private final Object addLock = new Object();
    /** Id to string; replaced by a larger copy when it fills. Written under addLock, read through the volatile field. */
    private volatile String[] byId = new String[256];
    private volatile int size;
    private long chars;
    private volatile long rejected;

    /** A table bounded by string count and total characters. */
    public Interner(int maxStrings, long maxChars) {
        if (maxStrings < 1 || maxChars < 1) {
            throw new IllegalArgumentException("intern table bounds must be positive: strings=" + maxStrings + ", chars=" + maxChars);
        }
        this.maxStrings = maxStrings;
        this.maxChars = maxChars;
    }

    /** The id of {@code s}, adding it if new; {@link #FULL} when it is new and the table is full. */
    public int intern(String s) {
        Integer id = ids.get(s);
        if (id != null) {
            return id;
        }
        return add(s);
    }

    private int add(String s) {
        synchronized (addLock) {
            Integer id = ids.get(s);
            if (id != null) {
                return id;
            }
            int n = size;
            if (n >= maxStrings || chars + s.length() > maxChars) {
                rejected++;
                return FULL;
            }
            String[] table = byId;
            if (n == table.length) {
                table = Arrays.copyOf(table, n * 2);
            }
            table[n] = s;
            chars += s.length();
            // Publish the array, then the size, then the map entry: a reader that learned the id from the
            // map or from a ring slot (published after this) finds the string in byId.
            byId = table;
            size = n + 1;
            ids.put(s, n);
            return n;
        }
    }

    /**
     * The string of {@code id}.
     *
     * @throws IllegalArgumentException if no string has this id
     */
    public String string(int id) {
        String[] table = byId;
        if (id < 0 || id >= size) {
            throw new IllegalArgumentException("no interned string has id " + id + " (table holds " + size + ")");
        }
        return table[id];
    }

    /** Number of strings in the table. */
    public int size() {
        return size;
    }

    /** Strings turned away because the table was full. */
    public long rejected() {
        return rejected;
    }
}
