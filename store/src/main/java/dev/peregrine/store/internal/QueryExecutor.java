package dev.peregrine.store.internal;

import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.index.LongPagedList;

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

    /** The filters of one query, encoded for byte comparison. */
    private record Filter(MemorySegment type, MemorySegment entity, MemorySegment tenant, long since, long upTo,
                          boolean checkHidden) {
    }

    /** One page being collected: the first {@code skip} matches are passed over, then up to {@code limit} taken. */
    private static final class Page {
        final List<StoredEvent> events;
        final int limit;
        int skip;

        Page(int limit, int skip) {
            this.events = new ArrayList<>(Math.min(limit, 256));
            this.limit = limit;
            this.skip = skip;
        }

        boolean full() {
            return events.size() == limit;
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
        long max = visible.getAsLong();
        int limit = Math.min(q.limit().orElse(maxLimit), maxLimit);
        if (q.offset() > maxLimit) {
            throw new InvalidEventException("offset", "must be at most " + maxLimit + " (the largest page), got "
                    + q.offset());
        }
        long lower = Math.max(q.fromPosition().orElse(1), q.cursor().map(QueryExecutor::decodeCursor).orElse(1L));
        long since = q.since().map(TimeSearch::nanos).orElse(Long.MIN_VALUE);
        long upTo = Math.min(q.until().map(TimeSearch::nanos).orElse(Long.MAX_VALUE),
                q.asOf().map(TimeSearch::nanos).orElse(Long.MAX_VALUE));
        q.eventType().ifPresent(t -> EventValidator.checkEventType("event_type", t));
        Filter f = new Filter(q.eventType().map(QueryExecutor::utf8).orElse(null),
                q.entityId().map(QueryExecutor::utf8).orElse(null), q.tenantId().map(QueryExecutor::utf8).orElse(null),
                since, upTo, indexes.anyTombstones());
        Page out = new Page(limit, q.offset());
        long next;
        if (q.entityId().isPresent()) {
            EntityStream stream = indexes.stream(q.entityId().get());
            next = stream == null ? 0 : scanList(stream.positions(), max, lower, f, out);
        } else if (q.eventType().isPresent()) {
            LongPagedList list = indexes.type(q.eventType().get());
            next = list == null ? 0 : scanList(list, max, lower, f, out);
        } else {
            next = scanLog(max, lower, f, out);
        }
        return new QueryPage(out.events, next == 0 ? Optional.empty() : Optional.of("p" + next));
    }

    private long scanList(LongPagedList list, long max, long lower, Filter f, Page out) {
        int to = list.upperBound(max, list.size());
        int i = list.upperBound(lower - 1, to);
        if (f.since() != Long.MIN_VALUE) {
            i = TimeSearch.firstAfter(reader, list, i, to, f.since(), false);
        }
        if (f.upTo() != Long.MAX_VALUE) {
            to = TimeSearch.firstAfter(reader, list, i, to, f.upTo(), true);
        }
        for (; i < to; i++) {
            long position = list.get(i);
            if (collect(position, max, f, out) && out.full()) {
                return i + 1 < to ? list.get(i + 1) : 0;
            }
        }
        return 0;
    }

    private long scanLog(long max, long lower, Filter f, Page out) {
        long from = Math.max(lower, 1);
        long end = max + 1;
        if (from >= end) {
            return 0;
        }
        if (f.since() != Long.MIN_VALUE) {
            from = TimeSearch.firstAfter(reader, from, end, f.since(), false);
        }
        if (f.upTo() != Long.MAX_VALUE) {
            end = TimeSearch.firstAfter(reader, from, end, f.upTo(), true);
        }
        for (long position = from; position < end; position++) {
            if (collect(position, max, f, out) && out.full()) {
                return position + 1 < end ? position + 1 : 0;
            }
        }
        return 0;
    }

    /** Checks every filter against the entry's bytes; adds the event if it passes and is not skipped. */
    private boolean collect(long position, long max, Filter f, Page out) {
        EventReader.Location loc = reader.locate(position);
        if (!reader.isEvent(loc) || !reader.stringsMatch(loc, f.type(), f.entity(), f.tenant())) {
            return false;
        }
        long t = reader.timestamp(loc);
        if (t < f.since() || t > f.upTo()) {
            return false;
        }
        if (f.checkHidden()) {
            EntityStream stream = indexes.stream(reader.entityId(position));
            if (stream != null && stream.lastTombstone(max) > position) {
                return false;
            }
        }
        if (retention.hides(loc, position, max)) {
            return false;
        }
        if (out.skip > 0) {
            out.skip--;
            return false;
        }
        out.events.add(reader.read(loc, position));
        return true;
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
