package dev.peregrine.store.view.internal;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.view.AggregateFunction;
import dev.peregrine.store.view.ViewAggregate;
import dev.peregrine.store.view.ViewChange;
import dev.peregrine.store.view.ViewColumn;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One view's incremental maintenance, DBSP-style: each input is a Z-set delta (an appended event with
 * weight +1, or a tombstone retracting an entity's earlier events with weight −1), turned into the
 * view's output delta.
 *
 * <p><b>What it keeps.</b> Only the current content ({@link ViewRows}: a group view's table, one
 * entry per group; a filter view's matching live events) and, for a group view, a bounded set of
 * {@linkplain TableCheckpoints checkpoints} of its table. No trace of the events it accepted: what a
 * tombstone retracts is read back from the log ({@link ViewLog#liveEvents}, through the entity
 * index) and derived again, which gives the same tuples because derivation depends only on the event
 * and the definition. An as-of read replays the log from the newest checkpoint at or below the
 * position asked for ({@link #rowsAt}). So a view's memory is O(rows + checkpoints × groups),
 * independent of how many events it has ever seen.
 *
 * <p><b>Origin.</b> The position of the first event that entered the view (0 until one does): no
 * event below it contributed, so a retraction or a replay never looks below it. A view replayed from
 * a later position (a replay from a time or position) therefore holds and retracts only what it was
 * fed.
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
    private final ViewLog log;
    private final ViewRows rows;
    /** Null for a filter view (its checkpoints would be as large as its rows). */
    private final TableCheckpoints checkpoints;
    /** Reused to derive tuples. */
    private final Object[] scratch;
    private long origin;

    /**
     * Compiles a definition with the default checkpoint policy.
     *
     * @param definition the view
     * @param log the log the view reads back for retractions and as-of reads
     */
    public MaintainedView(ViewDefinition definition, ViewLog log) {
        this(definition, log, TableCheckpoints.DEFAULT_CAPACITY, TableCheckpoints.DEFAULT_MIN_SPACING);
    }

    /**
     * Compiles a definition: resolves its field paths into a schema and its predicate into an
     * evaluable tree.
     *
     * @param definition the view
     * @param log the log the view reads back for retractions and as-of reads
     * @param checkpointCapacity checkpoints a group view keeps for as-of reads
     * @param checkpointSpacing fewest positions between two checkpoints
     */
    MaintainedView(ViewDefinition definition, ViewLog log, int checkpointCapacity, long checkpointSpacing) {
        this.definition = definition;
        this.columns = definition.columnNames();
        this.log = log;
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
            this.rows = new GroupTable(columns, keyCount, functions, inputs);
            this.checkpoints = new TableCheckpoints(checkpointCapacity, checkpointSpacing);
        } else {
            for (ViewColumn c : definition.select()) {
                fields.add(sb.field(c.field()));
            }
            this.rows = new FilterRows(columns, fields.size());
            this.checkpoints = null;
        }
        this.tupleFields = fields.stream().mapToInt(Integer::intValue).toArray();
        this.schema = sb.build();
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
        return rows.size();
    }

    /**
     * @return what the view holds, in rows and groups: its current rows plus every checkpoint's
     *     groups; bounded by rows + capacity × groups, not by the events seen (for tests and metrics)
     */
    public long retainedEntries() {
        return rows.size() + (checkpoints == null ? 0 : checkpoints.groupsHeld());
    }

    /** @return the position of the first event that entered the view, or 0 if none has */
    long origin() {
        return origin;
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
        boolean entered = derive(event, scratch);
        if (entered) {
            if (origin == 0) {
                origin = event.position();
            }
            rows.apply(event.position(), scratch, 1, changes);
        }
        applied(event.position());
        return entered;
    }

    /**
     * Retracts (weight −1) every live contribution of an entity: its tombstone. The contributions are
     * the entity's events since its previous tombstone, read back from the log and derived again;
     * events a scavenge removed meanwhile cannot be read and stay counted (retention is not a
     * retraction, {@code docs/views.md}).
     *
     * @param entityId the entity
     * @param position the tombstone's log position
     * @param changes receives the row changes, or {@code null}
     * @return how many contributions were retracted
     */
    public int retract(String entityId, long position, List<ViewChange> changes) {
        int n = retractInto(rows, entityId, position, changes);
        applied(position);
        return n;
    }

    private int retractInto(ViewRows target, String entityId, long position, List<ViewChange> changes) {
        if (origin == 0) {
            return 0;
        }
        int[] n = {0};
        Object[] tuple = new Object[tupleFields.length];
        log.liveEvents(entityId, position, e -> {
            if (e.position() >= origin && routes(e.eventType()) && derive(e, tuple)) {
                target.apply(e.position(), tuple, -1, changes);
                n[0]++;
            }
        });
        return n[0];
    }

    private void applied(long position) {
        if (checkpoints != null) {
            checkpoints.offer(position, origin, (GroupTable) rows);
        }
    }

    /** Binds the event's fields and, if it passes the filter, fills {@code tuple} from them. */
    private boolean derive(ViewInput event, Object[] tuple) {
        BoundFields f = schema.bind(event);
        if (!where.test(f)) {
            return false;
        }
        int[] tf = tupleFields;
        for (int i = 0; i < tf.length; i++) {
            tuple[i] = f.rowValue(tf[i]);
        }
        return true;
    }

    /** The router's type test, for events read back from the log. */
    private boolean routes(String type) {
        return definition.eventTypes().isEmpty() || definition.eventTypes().contains(type);
    }

    /** @return the current rows, sorted (see {@link dev.peregrine.store.view.ViewSnapshot}) */
    public List<ViewRow> rows() {
        return rows.rows();
    }

    /**
     * Time travel: the rows as they were just after {@code position}. A group view copies its newest
     * checkpoint at or below the position (or starts empty at its origin) and replays the log from
     * there; a filter view replays from its origin. Cost: one table copy and the log entries between
     * the start and {@code position}, plus, for each tombstone among them, its entity's live events.
     * The log must hold {@code position} (the caller asks only below the view's position).
     *
     * @param position a log position
     * @return the rows as they were then, sorted
     */
    public List<ViewRow> rowsAt(long position) {
        if (origin == 0 || position < origin) {
            return List.of();
        }
        TableCheckpoints.Checkpoint start = checkpoints == null ? null : checkpoints.floor(position);
        ViewRows then = start == null ? rows.emptyCopy() : start.table().copy();
        long from = start == null ? origin : start.position() + 1;
        Object[] tuple = new Object[tupleFields.length];
        log.read(from, position, new ViewLog.EntryVisitor() {
            @Override
            public void event(ViewInput event) {
                if (routes(event.eventType()) && derive(event, tuple)) {
                    then.apply(event.position(), tuple, 1, null);
                }
            }

            @Override
            public void tombstone(String entityId, long at) {
                retractInto(then, entityId, at, null);
            }
        });
        return then.rows();
    }

    /**
     * Writes the view's state after its definition: origin, current rows, checkpoints
     * ({@link ViewStateLayout}).
     *
     * @param out the state file
     * @throws IOException when it cannot be written
     */
    void writeState(AtomicFile.Output out) throws IOException {
        out.putLong(origin);
        rows.write(out);
        List<TableCheckpoints.Checkpoint> kept = checkpoints == null ? List.of() : checkpoints.all();
        out.putInt(kept.size());
        for (TableCheckpoints.Checkpoint c : kept) {
            out.putLong(c.position());
            c.table().write(out);
        }
    }

    /**
     * Reads what {@link #writeState} wrote into this fresh view.
     *
     * @param in the state file, after the definition
     * @param checkpoint the position the state reflects; no checkpoint may be above it
     * @throws dev.peregrine.store.CorruptFileException when it is malformed
     */
    void readState(FileBody in, long checkpoint) {
        long originAt = in.offset();
        origin = in.getLong();
        if (origin < 0 || origin > checkpoint) {
            throw in.corruptAt(originAt, "an origin from 0 to the checkpoint " + checkpoint, Long.toString(origin));
        }
        rows.read(in);
        long countAt = in.offset();
        int count = in.getCount(Long.BYTES + Integer.BYTES);
        if (count > 0 && (checkpoints == null || count > checkpoints.capacity())) {
            throw in.corruptAt(countAt, "at most " + (checkpoints == null ? 0 : checkpoints.capacity())
                    + " checkpoints", Integer.toString(count));
        }
        long previous = origin - 1;
        for (int i = 0; i < count; i++) {
            long at = in.offset();
            long position = in.getLong();
            if (position <= previous || position > checkpoint) {
                throw in.corruptAt(at, "a checkpoint position from " + (previous + 1) + " to " + checkpoint,
                        Long.toString(position));
            }
            previous = position;
            GroupTable table = (GroupTable) rows.emptyCopy();
            table.read(in);
            checkpoints.restore(new TableCheckpoints.Checkpoint(position, table));
        }
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
