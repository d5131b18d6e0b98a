package dev.peregrine.record;

import java.util.ArrayList;
import java.util.List;

/**
 * A path into nested records and arrays, such as {@code user.address.city} or {@code items[2].sku}. Parse it
 * once and reuse it: reading through a path walks the nested encodings in place and allocates nothing.
 *
 * <p>Syntax: names separated by {@code .}, each optionally followed by {@code [n]} indexes ({@code a[0][1]}).
 * A name cannot contain {@code .}, {@code [} or {@code ]}; read such fields step by step with
 * {@link Record#getRecord(String)}. Immutable and thread-safe.
 */
public final class FieldPath {

    private final String text;
    private final String[] names; // null at an index step
    private final int[] indexes;  // -1 at a name step

    private FieldPath(String text, String[] names, int[] indexes) {
        this.text = text;
        this.names = names;
        this.indexes = indexes;
    }

    /**
     * Parses a path.
     *
     * @throws IllegalArgumentException naming the position of the problem when the text is not a valid path
     */
    public static FieldPath parse(String path) {
        List<String> names = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        int i = 0;
        int n = path.length();
        if (n == 0) {
            throw new IllegalArgumentException("empty field path");
        }
        while (i < n) {
            int start = i;
            while (i < n && path.charAt(i) != '.' && path.charAt(i) != '[') {
                if (path.charAt(i) == ']') {
                    throw bad(path, i, "unexpected ']'");
                }
                i++;
            }
            if (i == start) {
                throw bad(path, i, "expected a field name");
            }
            names.add(path.substring(start, i));
            indexes.add(-1);
            while (i < n && path.charAt(i) == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    throw bad(path, i, "'[' without ']'");
                }
                int index;
                try {
                    index = Integer.parseInt(path.substring(i + 1, close));
                } catch (NumberFormatException e) {
                    throw bad(path, i + 1, "array index must be a non-negative integer");
                }
                if (index < 0 || path.charAt(i + 1) == '+') {
                    throw bad(path, i + 1, "array index must be a non-negative integer");
                }
                names.add(null);
                indexes.add(index);
                i = close + 1;
            }
            if (i < n) {
                if (path.charAt(i) != '.') {
                    throw bad(path, i, "expected '.' or '['");
                }
                i++;
                if (i == n) {
                    throw bad(path, i, "path ends with '.'");
                }
            }
        }
        int[] idx = new int[indexes.size()];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = indexes.get(k);
        }
        return new FieldPath(path, names.toArray(new String[0]), idx);
    }

    private static IllegalArgumentException bad(String path, int at, String problem) {
        return new IllegalArgumentException("invalid field path '" + path + "' at character " + at + ": " + problem);
    }

    /** Number of steps (names and indexes). */
    public int depth() {
        return names.length;
    }

    /** Whether step {@code step} is an array index. */
    public boolean isIndex(int step) {
        return indexes[step] >= 0;
    }

    /** The field name of a name step. */
    public String name(int step) {
        return names[step];
    }

    /** The index of an index step. */
    public int index(int step) {
        return indexes[step];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The path as parsed. */
    @Override
    public String toString() {
        return text;
    }
}
