package dev.peregrine.store.view.internal;

import dev.peregrine.store.view.AggregateFunction;
import dev.peregrine.store.view.ViewAggregate;
import dev.peregrine.store.view.ViewChange;
import dev.peregrine.store.view.ViewColumn;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One view's incremental maintenance, DBSP-style: each input is a Z-set delta (an appended event with
 * weight +1, or a tombstone retracting an entity's earlier events with weight −1), turned into the
 * view's output delta without looking at any other input.
 *
 * <p>Filter views are linear: an event's row enters or leaves on its own. Group views keep a
 * {@link GroupTable} whose accumulators are exact under retraction. Both keep the input trace (the
 * {@link Contribution}s in position order), which serves retraction, time travel and persistence.
 *
 * <p>Field access goes through the view's {@link ResolvedSchema}: slots resolved once per record
 * layout, never per event by name. Not thread-safe: one maintainer at a time (the store's view
 * thread, or a backfill holding the view).
 */
public final class MaintainedView {

    private final ViewDefinition definition;
    private final List<String> columns;
    private final ResolvedSchema schema;
    private final CompiledPredicate where;
    /** Schema field index of each tuple slot. */
    private final int[] tupleFields;
    /** Null for a filter view. */
    private final GroupTable groups;

    private final ArrayList<Contribution> history = new ArrayList<>();
    private final Map<String, Contribution> newestByEntity = new HashMap<>();
    private long liveRows;

    /**
     * Compiles a definition: resolves its field paths into a schema and its predicate into an
     * evaluable tree.
     *
     * @param definition the view
     */
    public MaintainedView(ViewDefinition definition) {
        this.definition = definition;
        this.columns = definition.columnNames();
        ResolvedSchema.Builder sb = ResolvedSchema.builder();
        this.where = definition.where().map(p -> CompiledPredicate.compile(p, sb)).orElse(CompiledPredicate.TRUE);
        List<Integer> fields = new ArrayList<>();
        if (definition.grouped()) {
            for (ViewColumn c : definition.groupBy()) {
                fields.add(sb.field(c.field()));
            }
            int keyCount = fields.size();
            List<ViewAggregate> aggs = definition.aggregates();
            AggregateFunction[] functions = new AggregateFunction[aggs.size()];
            int[] inputs = new int[aggs.size()];
            for (int i = 0; i < aggs.size(); i++) {
                functions[i] = aggs.get(i).function();
                if (aggs.get(i).field() == null) {
                    inputs[i] = -1;
                } else {
                    inputs[i] = fields.size();
                    fields.add(sb.field(aggs.get(i).field()));
                }
            }
            this.groups = new GroupTable(columns, keyCount, functions, inputs);
        } else {
            for (ViewColumn c : definition.select()) {
                fields.add(sb.field(c.field()));
            }
            this.groups = null;
        }
        this.tupleFields = fields.stream().mapToInt(Integer::intValue).toArray();
        this.schema = sb.build();
    }

    /** @return the definition */
    public ViewDefinition definition() {
        return definition;
    }

    /** @return the column names */
    public List<String> columns() {
        return columns;
    }

    /** @return the number of rows now */
    public long rowCount() {
        return groups == null ? liveRows : groups.size();
    }

    /** @return the number of contributions kept (live and retracted) */
    public int historySize() {
        return history.size();
    }

    /**
     * Applies an appended event (weight +1) if it passes the view's filter. The caller routes only
     * events whose type the view reads.
     *
     * @param event the event
     * @param changes receives the row changes, or {@code null} when nobody listens
     * @return whether the event entered the view
     */
    public boolean insert(ViewInput event, List<ViewChange> changes) {
        BoundFields f = schema.bind(event);
        if (!where.test(f)) {
            return false;
        }
        int[] tf = tupleFields;
        Object[] tuple = new Object[tf.length];
        for (int i = 0; i < tf.length; i++) {
            tuple[i] = f.rowValue(tf[i]);
        }
        Contribution c = new Contribution(event.position(), event.entityId(), tuple, Contribution.LIVE);
        history.add(c);
        c.previousOfEntity = newestByEntity.put(c.entityId, c);
        apply(c, 1, changes);
        return true;
    }

    /**
     * Retracts (weight −1) every live contribution of an entity: its tombstone.
     *
     * @param entityId the entity
     * @param position the tombstone's log position
     * @param changes receives the row changes, or {@code null}
     * @return how many contributions were retracted
     */
    public int retract(String entityId, long position, List<ViewChange> changes) {
        Contribution c = newestByEntity.remove(entityId);
        int n = 0;
        while (c != null) {
            c.retractedAt = position;
            apply(c, -1, changes);
            Contribution prev = c.previousOfEntity;
            c.previousOfEntity = null;
            c = prev;
            n++;
        }
        return n;
    }

    private void apply(Contribution c, int weight, List<ViewChange> changes) {
        if (groups != null) {
            groups.apply(c.tuple, weight, changes);
            return;
        }
        liveRows += weight;
        if (changes != null) {
            ViewRow row = filterRow(c);
            changes.add(weight > 0 ? ViewChange.added(row) : ViewChange.removed(row));
        }
    }

    /** @return the current rows, sorted (see {@link dev.peregrine.store.view.ViewSnapshot}) */
    public List<ViewRow> rows() {
        return groups != null ? groups.rows() : rowsAt(Long.MAX_VALUE - 1);
    }

    /**
     * Time travel: folds the contributions alive just after {@code position} into a fresh state.
     * Costs one pass over the view's history, and no log reads.
     *
     * @param position a log position
     * @return the rows as they were then, sorted
     */
    public List<ViewRow> rowsAt(long position) {
        if (groups == null) {
            List<ViewRow> rows = new ArrayList<>();
            for (Contribution c : history) {
                if (c.position > position) {
                    break;
                }
                if (c.aliveAt(position)) {
                    rows.add(filterRow(c));
                }
            }
            return rows;
        }
        GroupTable then = groups.emptyCopy();
        for (Contribution c : history) {
            if (c.position > position) {
                break;
            }
            if (c.aliveAt(position)) {
                then.apply(c.tuple, 1, null);
            }
        }
        return then.rows();
    }

    private ViewRow filterRow(Contribution c) {
        Object[] values = new Object[c.tuple.length + 1];
        values[0] = c.position;
        System.arraycopy(c.tuple, 0, values, 1, c.tuple.length);
        return new ViewRow(columns, values);
    }

    /**
     * Visits the history in position order, for persistence.
     *
     * @param visitor receives each contribution's position, entity, retraction position and tuple
     */
    public void forEachContribution(ContributionVisitor visitor) {
        for (Contribution c : history) {
            visitor.visit(c.position, c.entityId, c.retractedAt, c.tuple);
        }
    }

    /**
     * Restores one persisted contribution; call in position order on a fresh view.
     *
     * @param position the event's position
     * @param entityId the event's entity
     * @param retractedAt the retracting tombstone's position, or {@link Long#MAX_VALUE} when live
     * @param tuple the tuple as written by {@link #forEachContribution}
     */
    public void restore(long position, String entityId, long retractedAt, Object[] tuple) {
        if (!history.isEmpty() && history.getLast().position >= position) {
            throw new IllegalStateException("contributions restored out of order: " + position
                    + " after " + history.getLast().position);
        }
        Contribution c = new Contribution(position, entityId, tuple, retractedAt);
        history.add(c);
        if (retractedAt == Contribution.LIVE) {
            c.previousOfEntity = newestByEntity.put(entityId, c);
            apply(c, 1, null);
        }
    }

    /** Receives persisted contributions. */
    @FunctionalInterface
    public interface ContributionVisitor {
        /**
         * @param position the event's position
         * @param entityId the event's entity
         * @param retractedAt the tombstone's position, or {@link Long#MAX_VALUE}
         * @param tuple the derived values
         */
        void visit(long position, String entityId, long retractedAt, Object[] tuple);
    }

    /** @return how many field layouts the schema has resolved slots for (for tests and metrics) */
    public int resolvedLayouts() {
        return schema.layoutCount();
    }

    /** @return the view's schema, for the router and benchmarks */
    ResolvedSchema schema() {
        return schema;
    }
}
