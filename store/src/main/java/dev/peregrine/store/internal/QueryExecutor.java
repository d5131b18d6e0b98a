package dev.peregrine.store.internal;

import dev.peregrine.store.EventView;
import dev.peregrine.store.EventVisitor;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.index.LongPagedList;
import dev.peregrine.store.log.EntryDescriptor;
import dev.peregrine.store.log.LogSegment;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Runs {@link Query}s and the lookups by event id and stream. The entity index, else the type index, else the log itself supplies candidate
 * positions in ascending order; binary searches narrow them to the position and time bounds; then
 * <em>every</em> filter of the query is checked against each candidate's bytes, whichever path
 * supplied it, so no path can forget a filter. Retention is one of those filters: an event the rules
 * expire, or one a scavenge removed, is passed over (the positions of the results then have gaps).
 *
 * <p>Cursor: {@code "p" + position} of the next candidate to examine; it is valid with the same filters
 * (it is only a lower position bound, so reusing it with other filters is harmless).
 *
 * <p>Thread safety: any thread; each query reads the visible position once and sees the log as of
 * that position.
 */
public final class QueryExecutor {

    private final LogIndexes indexes;
    private final EventReader reader;
    private final LongSupplier visible;
    private final int maxLimit;
    private final RetentionPolicy retention;

    /**
     * @param indexes the indexes
     * @param reader the log reader
     * @param visible supplies the visible position
     * @param maxLimit largest page
     * @param retention hides expired and removed events
     */
    public QueryExecutor(LogIndexes indexes, EventReader reader, LongSupplier visible, int maxLimit,
                         RetentionPolicy retention) {
        this.indexes = indexes;
        this.reader = reader;
        this.visible = visible;
        this.maxLimit = maxLimit;
        this.retention = retention;
    }

    /**
     * One query being run: its filters encoded for byte comparison, the flyweight re-pointed at each
     * candidate, and the visitor it is shown to once every filter passed. The first {@code skip} matches
     * are passed over, then up to {@code remaining} shown.
     */
    private static final class Scan {
        final String typeName;
        final String entityName;
        final String tenantName;
        final MemorySegment type;
        final MemorySegment entity;
        final MemorySegment tenant;
        final long since;
        final long upTo;
        final boolean checkHidden;
        final long max;
        final EntryCursor view;
        final EventVisitor visitor;
        int skip;
        int remaining;
        boolean stopped;

        Scan(Query q, long since, long upTo, boolean checkHidden, long max, EntryCursor view, EventVisitor visitor,
             int limit) {
            this.typeName = q.eventType().orElse(null);
            this.entityName = q.entityId().orElse(null);
            this.tenantName = q.tenantId().orElse(null);
            this.type = typeName == null ? null : utf8(typeName);
            this.entity = entityName == null ? null : utf8(entityName);
            this.tenant = tenantName == null ? null : utf8(tenantName);
            this.since = since;
            this.upTo = upTo;
            this.checkHidden = checkHidden;
            this.max = max;
            this.view = view;
            this.visitor = visitor;
            this.skip = q.offset();
            this.remaining = limit;
            this.stopped = limit == 0;
        }
    }

    /**
     * @param id an event id
     * @return the event, if visible, its entity was not tombstoned after it, and retention keeps it
     */
    public Optional<StoredEvent> get(UUID id) {
        long max = visible.getAsLong();
        long position = indexes.ids().find(id.getMostSignificantBits(), id.getLeastSignificantBits(), max);
        if (position == 0) {
            return Optional.empty();
        }
        EventReader.Location loc = reader.locate(position);
        if (retention.hides(loc, position, max)) {
            return Optional.empty();
        }
        StoredEvent event = reader.read(loc, position);
        EntityStream stream = indexes.stream(event.entityId());
        if (stream != null && stream.lastTombstone(max) > position) {
            return Optional.empty();
        }
        return Optional.of(event);
    }

    /**
     * @param entityId an entity
     * @return its visible stream version: 0 if it has no events or was tombstoned
     */
    public long streamVersion(String entityId) {
        EntityStream stream = indexes.stream(entityId);
        return stream == null ? 0 : stream.visibleVersion(visible.getAsLong());
    }

    /**
     * @param q the query
     * @return one page of results
     * @throws InvalidEventException when the query's offset is above the largest page
     */
    public QueryPage run(Query q) {
        List<StoredEvent> events = new ArrayList<>(Math.min(limit(q), 256));
        Optional<String> next = run(q, e -> events.add(e.toStoredEvent()));
        return new QueryPage(events, next);
    }

    /**
     * Runs a query and shows each result to {@code visitor} through one re-pointed {@link EventView}
     * (the flyweight allocates nothing per event; what the visitor reads may).
     *
     * @param q the query
     * @param visitor sees each result in position order, until the page is full or it returns false
     * @return the cursor of the next page, when the page ended before the candidates did
     * @throws InvalidEventException when the query's offset is above the largest page
     */
    public Optional<String> run(Query q, EventVisitor visitor) {
        long max = visible.getAsLong();
        int limit = limit(q);
        if (q.offset() > maxLimit) {
            throw new InvalidEventException("offset", "must be at most " + maxLimit + " (the largest page), got "
                    + q.offset());
        }
        long lower = Math.max(q.fromPosition().orElse(1), q.cursor().map(QueryExecutor::decodeCursor).orElse(1L));
        long since = q.since().map(TimeSearch::nanos).orElse(Long.MIN_VALUE);
        long upTo = Math.min(q.until().map(TimeSearch::nanos).orElse(Long.MAX_VALUE),
                q.asOf().map(TimeSearch::nanos).orElse(Long.MAX_VALUE));
        q.eventType().ifPresent(t -> EventValidator.checkEventType("event_type", t));
        Scan scan = new Scan(q, since, upTo, indexes.anyTombstones(), max, new EntryCursor(reader, retention, visible),
                visitor, limit);
        long next;
        if (scan.stopped) {
            next = 0;
        } else if (q.entityId().isPresent()) {
            EntityStream stream = indexes.stream(q.entityId().get());
            next = stream == null ? 0 : scanList(stream.positions(), firstIndex(stream, q, max), lower, scan);
        } else if (q.eventType().isPresent()) {
            LongPagedList list = indexes.type(q.eventType().get());
            next = list == null ? 0 : scanList(list, 0, lower, scan);
        } else {
            next = scanLog(lower, scan);
        }
        return next == 0 ? Optional.empty() : Optional.of("p" + next);
    }

    private int limit(Query q) {
        return Math.min(q.limit().orElse(maxLimit), maxLimit);
    }

    /**
     * @return the index in the entity's positions where candidates start: its first live event, or the
     *         one of {@code q}'s version bound (the live range starts after the last tombstone)
     */
    private static int firstIndex(EntityStream stream, Query q, long max) {
        if (q.fromVersion().isEmpty()) {
            return 0;
        }
        long range = stream.liveRange(max);
        int from = (int) (range >>> 32);
        int to = (int) range;
        long skip = q.fromVersion().getAsLong() - 1;
        return skip >= to - from ? to : from + (int) skip;
    }

    /**
     * @param first the first index of {@code list} that may be a candidate
     * @return the position of the next candidate when the scan stopped before the last one, else 0
     */
    private long scanList(LongPagedList list, int first, long lower, Scan scan) {
        int to = list.upperBound(scan.max, list.size());
        int i = Math.max(Math.min(first, to), list.upperBound(lower - 1, to));
        if (scan.since != Long.MIN_VALUE) {
            i = TimeSearch.firstAfter(reader, list, i, to, scan.since, false);
        }
        if (scan.upTo != Long.MAX_VALUE) {
            to = TimeSearch.firstAfter(reader, list, i, to, scan.upTo, true);
        }
        for (; i < to; i++) {
            visit(list.get(i), scan);
            if (scan.stopped) {
                return i + 1 < to ? list.get(i + 1) : 0;
            }
        }
        return 0;
    }

    private long scanLog(long lower, Scan scan) {
        long from = Math.max(lower, 1);
        long end = scan.max + 1;
        if (from >= end) {
            return 0;
        }
        if (scan.since != Long.MIN_VALUE) {
            from = TimeSearch.firstAfter(reader, from, end, scan.since, false);
        }
        if (scan.upTo != Long.MAX_VALUE) {
            end = TimeSearch.firstAfter(reader, from, end, scan.upTo, true);
        }
        for (long position = from; position < end; position++) {
            visit(position, scan);
            if (scan.stopped) {
                return position + 1 < end ? position + 1 : 0;
            }
        }
        return 0;
    }

    /**
     * Points the view at {@code position}, checks every filter against the entry's bytes, and shows it
     * to the visitor if it passes and is not skipped. A string a filter matched byte for byte is the
     * query's own, so the view is handed it instead of looking it up again: reading the entity id of
     * each result of an entity query went from about 20 ns an event to nothing (ReadBenchmark).
     */
    private void visit(long position, Scan scan) {
        EntryCursor view = scan.view;
        view.moveTo(position);
        LogSegment s = view.segment();
        long off = view.offset();
        if (s.kindAt(off) != EntryDescriptor.KIND_EVENT
                || !EventReader.stringsMatch(s, off, scan.type, scan.entity, scan.tenant)) {
            return;
        }
        long t = s.timestampAt(off);
        if (t < scan.since || t > scan.upTo) {
            return;
        }
        if (scan.checkHidden) {
            EntityStream stream = indexes.stream(view.entityId());
            if (stream != null && stream.lastTombstone(scan.max) > position) {
                return;
            }
        }
        if (retention.hides(s, off, position, scan.max)) {
            return;
        }
        if (scan.skip > 0) {
            scan.skip--;
            return;
        }
        view.knownStrings(scan.typeName, scan.entityName, scan.tenantName);
        scan.stopped = !scan.visitor.visit(view) || --scan.remaining == 0;
    }

    private static MemorySegment utf8(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    private static long decodeCursor(String cursor) {
        if (cursor.length() < 2 || cursor.charAt(0) != 'p') {
            throw new InvalidEventException("cursor", "'" + cursor + "' is not a cursor returned by a query");
        }
        try {
            long position = Long.parseLong(cursor, 1, cursor.length(), 10);
            if (position < 1) {
                throw new NumberFormatException();
            }
            return position;
        } catch (NumberFormatException e) {
            throw new InvalidEventException("cursor", "'" + cursor + "' is not a cursor returned by a query");
        }
    }
}
