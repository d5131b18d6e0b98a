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
 * {@link GroupTable} whose accumulators are exact under retraction. Both keep the input trace
 * ({@link ContributionTrace}), which serves retraction, time travel and persistence.
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

    private final ContributionTrace history;
    private final Map<String, EntityChain> newestByEntity = new HashMap<>();
    /** Reused to build and replay tuples; the trace copies what it keeps. */
    private final Object[] scratch;
    private long liveRows;

    /** An entity's newest live contribution; its id object is shared by all its contributions. */
    private static final class EntityChain {
        final String id;
        int newest;

        EntityChain(String id, int newest) {
            this.id = id;
            this.newest = newest;
        }
    }

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
        this.history = new ContributionTrace(tupleFields.length);
        this.scratch = new Object[tupleFields.length];
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
        Object[] tuple = scratch;
        for (int i = 0; i < tf.length; i++) {
            tuple[i] = f.rowValue(tf[i]);
        }
        // Applied first: a group view swaps the key values for its shared key objects before the
        // trace keeps them.
        apply(event.position(), tuple, 1, changes);
        record(event.position(), event.entityId(), tuple, ContributionTrace.LIVE);
        return true;
    }

    /** Appends to the trace and, when live, links the contribution into its entity's chain. */
    private void record(long position, String entityId, Object[] tuple, long retractedAt) {
        if (retractedAt != ContributionTrace.LIVE) {
            history.add(position, entityId, tuple, retractedAt, ContributionTrace.NONE);
            return;
        }
        EntityChain chain = newestByEntity.get(entityId);
        if (chain == null) {
            int i = history.add(position, entityId, tuple, retractedAt, ContributionTrace.NONE);
            newestByEntity.put(entityId, new EntityChain(entityId, i));
        } else {
            chain.newest = history.add(position, chain.id, tuple, retractedAt, chain.newest);
        }
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
        EntityChain chain = newestByEntity.remove(entityId);
        int n = 0;
        for (int i = chain == null ? ContributionTrace.NONE : chain.newest; i != ContributionTrace.NONE; n++) {
            int prev = history.previous(i);
            history.retract(i, position);
            apply(history.position(i), history.tuple(i, scratch), -1, changes);
            i = prev;
        }
        return n;
    }

    private void apply(long position, Object[] tuple, int weight, List<ViewChange> changes) {
        if (groups != null) {
            groups.apply(tuple, weight, changes);
            return;
        }
        liveRows += weight;
        if (changes != null) {
            ViewRow row = filterRow(position, tuple);
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
        Object[] tuple = new Object[history.width()];
        if (groups == null) {
            List<ViewRow> rows = new ArrayList<>();
            for (int i = 0; i < history.size() && history.position(i) <= position; i++) {
                if (history.aliveAt(i, position)) {
                    rows.add(filterRow(history.position(i), history.tuple(i, tuple)));
                }
            }
            return rows;
        }
        GroupTable then = groups.emptyCopy();
        for (int i = 0; i < history.size() && history.position(i) <= position; i++) {
            if (history.aliveAt(i, position)) {
                then.apply(history.tuple(i, tuple), 1, null);
            }
        }
        return then.rows();
    }

    private ViewRow filterRow(long position, Object[] tuple) {
        Object[] values = new Object[tupleFields.length + 1];
        values[0] = position;
        System.arraycopy(tuple, 0, values, 1, tupleFields.length);
        return new ViewRow(columns, values);
    }

    /**
     * Visits the history in position order, for persistence.
     *
     * @param visitor receives each contribution's position, entity, retraction position and tuple
     *     (the tuple array is reused between calls)
     */
    public void forEachContribution(ContributionVisitor visitor) {
        Object[] tuple = new Object[history.width()];
        for (int i = 0; i < history.size(); i++) {
            visitor.visit(history.position(i), history.entity(i), history.retractedAt(i), history.tuple(i, tuple));
        }
    }

    /**
     * Restores one persisted contribution; call in position order on a fresh view.
     *
     * @param position the event's position
     * @param entityId the event's entity
     * @param retractedAt the retracting tombstone's position, or {@link Long#MAX_VALUE} when live
     * @param tuple the tuple as written by {@link #forEachContribution}; may be reused by the caller
     */
    public void restore(long position, String entityId, long retractedAt, Object[] tuple) {
        int n = history.size();
        if (n > 0 && history.position(n - 1) >= position) {
            throw new IllegalStateException("contributions restored out of order: " + position
                    + " after " + history.position(n - 1));
        }
        if (tuple.length != history.width()) {
            throw new IllegalStateException("a contribution of " + tuple.length + " values where the view has "
                    + history.width());
        }
        if (retractedAt == ContributionTrace.LIVE) {
            apply(position, tuple, 1, null);
        }
        record(position, entityId, tuple, retractedAt);
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
