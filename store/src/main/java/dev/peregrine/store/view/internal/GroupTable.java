package dev.peregrine.store.view.internal;

import dev.peregrine.store.view.AggregateFunction;
import dev.peregrine.store.view.ViewChange;
import dev.peregrine.store.view.ViewRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live groups of a group view: group key → row count and one {@link Accumulator} per aggregate.
 * A contribution's tuple holds the key values first, then the aggregate inputs. A group whose row
 * count drops to zero is removed, so the table always equals a fold of the surviving contributions.
 * Not thread-safe.
 */
final class GroupTable {

    /** Stands for a single {@code null} key value in the hash map. */
    private static final Object NULL_KEY = new Object();

    private final List<String> columns;
    private final int keyCount;
    private final AggregateFunction[] functions;
    /** Tuple index of each aggregate's input, or −1 for {@code count} of rows. */
    private final int[] inputs;
    private final Map<Object, Group> groups = new HashMap<>();

    GroupTable(List<String> columns, int keyCount, AggregateFunction[] functions, int[] inputs) {
        this.columns = columns;
        this.keyCount = keyCount;
        this.functions = functions;
        this.inputs = inputs;
    }

    /** @return an empty table of the same shape */
    GroupTable emptyCopy() {
        return new GroupTable(columns, keyCount, functions, inputs);
    }

    /** @return the number of groups */
    int size() {
        return groups.size();
    }

    /**
     * Applies a weighted contribution.
     *
     * @param tuple the contribution's tuple
     * @param weight +1 or −1
     * @param changes receives the row change, or {@code null} when nobody listens (no row is built)
     */
    void apply(Object[] tuple, int weight, List<ViewChange> changes) {
        Object key = key(tuple);
        Group g = groups.get(key);
        ViewRow before = null;
        if (g == null) {
            if (weight < 0) {
                throw new IllegalStateException("retracting from group " + Arrays.toString(keyValues(tuple))
                        + " that does not exist");
            }
            g = new Group(keyValues(tuple), functions);
            groups.put(key, g);
        } else if (changes != null) {
            before = g.row(columns);
        }
        if (weight > 0) {
            // Share the group's key objects: the contribution is kept for the view's lifetime, the
            // freshly decoded key strings then die young instead of being retained once per event.
            System.arraycopy(g.key, 0, tuple, 0, keyCount);
        }
        g.rows += weight;
        Accumulator[] accs = g.accumulators;
        for (int i = 0; i < accs.length; i++) {
            int in = inputs[i];
            accs[i].update(in < 0 ? Boolean.TRUE : tuple[in], weight);
        }
        if (g.rows == 0) {
            groups.remove(key);
            if (changes != null) {
                changes.add(ViewChange.removed(before));
            }
        } else if (changes != null) {
            changes.add(before == null ? ViewChange.added(g.row(columns)) : ViewChange.updated(before, g.row(columns)));
        }
    }

    /** @return every group's row, sorted by key */
    List<ViewRow> rows() {
        List<Group> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> {
            for (int i = 0; i < keyCount; i++) {
                int c = Values.totalCompare(a.key[i], b.key[i]);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        List<ViewRow> rows = new ArrayList<>(sorted.size());
        for (Group g : sorted) {
            rows.add(g.row(columns));
        }
        return rows;
    }

    private Object key(Object[] tuple) {
        if (keyCount == 1) {
            Object k = tuple[0];
            return k == null ? NULL_KEY : k;
        }
        return new KeyTuple(Arrays.copyOf(tuple, keyCount));
    }

    private Object[] keyValues(Object[] tuple) {
        return Arrays.copyOf(tuple, keyCount);
    }

    /** A multi-column (or empty) group key with value equality. */
    private record KeyTuple(Object[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyTuple k && Arrays.equals(values, k.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    /** One group's running state. */
    private static final class Group {
        final Object[] key;
        final Accumulator[] accumulators;
        long rows;

        Group(Object[] key, AggregateFunction[] functions) {
            this.key = key;
            this.accumulators = new Accumulator[functions.length];
            for (int i = 0; i < functions.length; i++) {
                accumulators[i] = Accumulator.create(functions[i]);
            }
        }

        ViewRow row(List<String> columns) {
            Object[] values = Arrays.copyOf(key, key.length + accumulators.length);
            for (int i = 0; i < accumulators.length; i++) {
                values[key.length + i] = accumulators[i].result();
            }
            return new ViewRow(columns, values);
        }
    }
}
