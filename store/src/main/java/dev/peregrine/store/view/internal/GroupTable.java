package dev.peregrine.store.view.internal;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.view.AggregateFunction;
import dev.peregrine.store.view.ViewChange;
import dev.peregrine.store.view.ViewRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live groups of a group view: group key → row count and one {@link Accumulator} per aggregate.
 * A contribution's tuple holds the key values first, then the aggregate inputs. A group whose row
 * count drops to zero is removed, so the table always equals a fold of the surviving contributions.
 * Its size is the number of groups, whatever the number of events folded into it. Not thread-safe.
 */
final class GroupTable implements ViewRows {

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

    @Override
    public GroupTable emptyCopy() {
        return new GroupTable(columns, keyCount, functions, inputs);
    }

    /** @return an independent table with the same groups and running states (a checkpoint) */
    GroupTable copy() {
        GroupTable c = emptyCopy();
        for (Map.Entry<Object, Group> e : groups.entrySet()) {
            Group g = e.getValue();
            Accumulator[] accs = new Accumulator[g.accumulators.length];
            for (int i = 0; i < accs.length; i++) {
                accs[i] = g.accumulators[i].copy();
            }
            c.groups.put(e.getKey(), new Group(g.key, accs, g.rows));
        }
        return c;
    }

    /** @return the number of groups */
    @Override
    public int size() {
        return groups.size();
    }

    /**
     * Applies a weighted contribution: the tuple's key values select the group, its aggregate inputs
     * update the group's accumulators. A group view's rows do not depend on the position.
     */
    @Override
    public void apply(long position, Object[] tuple, int weight, List<ViewChange> changes) {
        Object key = key(tuple);
        Group g = groups.get(key);
        ViewRow before = null;
        if (g == null) {
            if (weight < 0) {
                throw new IllegalStateException("retracting from group " + Arrays.toString(keyValues(tuple))
                        + " that does not exist");
            }
            g = new Group(keyValues(tuple), fresh(), 0);
            groups.put(key, g);
        } else if (changes != null) {
            before = g.row(columns);
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

    private Accumulator[] fresh() {
        Accumulator[] accs = new Accumulator[functions.length];
        for (int i = 0; i < functions.length; i++) {
            accs[i] = Accumulator.create(functions[i]);
        }
        return accs;
    }

    /** @return every group's row, sorted by key */
    @Override
    public List<ViewRow> rows() {
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

    /**
     * {@code u32} groups, then per group its key values, its {@code i64} row count and each
     * aggregate's running state ({@link Accumulator#write}).
     */
    @Override
    public void write(AtomicFile.Output out) throws IOException {
        out.putInt(groups.size());
        for (Group g : groups.values()) {
            for (Object k : g.key) {
                StateValues.write(out, k);
            }
            out.putLong(g.rows);
            for (Accumulator a : g.accumulators) {
                a.write(out);
            }
        }
    }

    @Override
    public void read(FileBody in) {
        int n = in.getCount(keyCount + Long.BYTES);
        for (int i = 0; i < n; i++) {
            long at = in.offset();
            Object[] keyValues = new Object[keyCount];
            for (int k = 0; k < keyCount; k++) {
                keyValues[k] = StateValues.read(in);
            }
            long rows = in.getLong();
            Accumulator[] accs = fresh();
            for (Accumulator a : accs) {
                a.read(in);
            }
            if (rows <= 0 || groups.putIfAbsent(key(keyValues), new Group(keyValues, accs, rows)) != null) {
                throw in.corruptAt(at, "a distinct group with a positive row count",
                        Arrays.toString(keyValues) + " with " + rows + " rows");
            }
        }
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

        Group(Object[] key, Accumulator[] accumulators, long rows) {
            this.key = key;
            this.accumulators = accumulators;
            this.rows = rows;
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
