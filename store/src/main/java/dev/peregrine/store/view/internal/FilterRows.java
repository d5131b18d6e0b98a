package dev.peregrine.store.view.internal;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.view.ViewChange;
import dev.peregrine.store.view.ViewRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A filter view's rows: position of each matching live event → its selected values, in position
 * order. A filter view is linear, so an event's row enters and leaves on its own. Not thread-safe.
 */
final class FilterRows implements ViewRows {

    private final List<String> columns;
    private final int width;
    private final TreeMap<Long, Object[]> rows = new TreeMap<>();

    /**
     * @param columns the view's columns: {@code position}, then the selected ones
     * @param width selected values per row
     */
    FilterRows(List<String> columns, int width) {
        this.columns = columns;
        this.width = width;
    }

    @Override
    public void apply(long position, Object[] tuple, int weight, List<ViewChange> changes) {
        Object[] values;
        if (weight > 0) {
            values = Arrays.copyOf(tuple, width);
            if (rows.putIfAbsent(position, values) != null) {
                throw new IllegalStateException("a second row at position " + position);
            }
        } else {
            values = rows.remove(position);
            if (values == null) {
                throw new IllegalStateException("retracting the row at position " + position + " that is not there");
            }
        }
        if (changes != null) {
            ViewRow row = row(position, values);
            changes.add(weight > 0 ? ViewChange.added(row) : ViewChange.removed(row));
        }
    }

    @Override
    public int size() {
        return rows.size();
    }

    @Override
    public List<ViewRow> rows() {
        List<ViewRow> out = new ArrayList<>(rows.size());
        for (Map.Entry<Long, Object[]> e : rows.entrySet()) {
            out.add(row(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public FilterRows emptyCopy() {
        return new FilterRows(columns, width);
    }

    private ViewRow row(long position, Object[] tuple) {
        Object[] values = new Object[width + 1];
        values[0] = position;
        System.arraycopy(tuple, 0, values, 1, width);
        return new ViewRow(columns, values);
    }

    /** {@code u32} rows, then each row's {@code i64} position and its {@code width} values. */
    @Override
    public void write(AtomicFile.Output out) throws IOException {
        out.putInt(rows.size());
        for (Map.Entry<Long, Object[]> e : rows.entrySet()) {
            out.putLong(e.getKey());
            for (Object v : e.getValue()) {
                StateValues.write(out, v);
            }
        }
    }

    @Override
    public void read(FileBody in) {
        int n = in.getCount(Long.BYTES + width);
        long previous = 0;
        for (int i = 0; i < n; i++) {
            long at = in.offset();
            long position = in.getLong();
            if (position <= previous) {
                throw in.corruptAt(at, "a row position above " + previous, Long.toString(position));
            }
            previous = position;
            Object[] values = new Object[width];
            for (int v = 0; v < width; v++) {
                values[v] = StateValues.read(in);
            }
            rows.put(position, values);
        }
    }
}
