package dev.peregrine.store.model;

import dev.peregrine.store.ConcurrencyConflictException;
import dev.peregrine.store.DuplicateEventIdException;
import dev.peregrine.store.EntityDeletedException;
import dev.peregrine.store.EntityNotFoundException;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.InvalidEventException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What an event store should answer, kept in plain Java collections and written from the public
 * contract ({@code EventStore}, {@code ExpectedVersion}, {@code Query} and their Javadoc), not from the
 * store's code: a log of entries by position, the events of each entity with its tombstones, the
 * events of each type, and every event by id.
 *
 * <p>Positions and timestamps are the store's to assign; the model records the ones the store
 * returned ({@link #addEvent}, {@link #addTombstone}) and predicts everything else: which appends are
 * refused and why, versions, idempotent results, what each query, state and read returns.
 *
 * <p>Not thread-safe.
 */
public final class StoreModel {

    /**
     * An event as a client sends it.
     *
     * @param id the event id; for an event without a client id, {@code null} until the id that
     *           {@code NewEvent} generated is bound with {@link #withId}
     * @param clientId whether the client chose the id (only those are idempotent)
     * @param type event type
     * @param entity entity id
     * @param tenant tenant id
     * @param payload payload object
     * @param metadata metadata object, or {@code null}
     * @param expected the expectation on the entity's version
     */
    public record Event(UUID id, boolean clientId, String type, String entity, String tenant,
                        Map<String, Object> payload, Map<String, Object> metadata, ExpectedVersion expected) {

        /** @param other another event @return whether a retry with this content is the same event */
        public boolean sameContent(Event other) {
            return type.equals(other.type) && entity.equals(other.entity) && tenant.equals(other.tenant)
                    && payload.equals(other.payload) && Objects.equals(metadata, other.metadata);
        }

        /** @param generated the id the store will see @return this event with that id */
        public Event withId(UUID generated) {
            return new Event(generated, clientId, type, entity, tenant, payload, metadata, expected);
        }

        /** @param value another expectation @return this event with it */
        public Event withExpected(ExpectedVersion value) {
            return new Event(id, clientId, type, entity, tenant, payload, metadata, value);
        }
    }

    /** One entry of the log: an event or a tombstone (which has no event and version 0). */
    public record Entry(long position, UUID id, Event event, String entity, long version, long nanos) {

        /** @return whether this is a tombstone */
        public boolean tombstone() {
            return event == null;
        }
    }

    /** What the store must do with an append. */
    public sealed interface Outcome permits Stored, Refused {
    }

    /**
     * The append is stored: per event, either the entry an identical earlier event already made (an
     * idempotent retry) or a new entry with {@code versions[i]}.
     *
     * @param existing per event the stored entry it repeats, or {@code null} for a new event
     * @param versions per new event its stream version
     */
    public record Stored(List<Entry> existing, long[] versions) implements Outcome {

        /** @return how many new entries the append makes */
        public int newEntries() {
            int n = 0;
            for (Entry e : existing) {
                if (e == null) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * The append or tombstone is refused and stores nothing.
     *
     * @param type the exception the store must throw
     * @param subject the entity, the event id, or the field the exception names
     * @param number the actual version (conflict), the tombstone position (deleted), or the existing
     *               position (duplicate id); 0 otherwise
     */
    public record Refused(Class<? extends EventStoreException> type, String subject, long number)
            implements Outcome, StateAnswer {
    }

    /** What reconstructing a state must give: a fold, or a refusal. */
    public sealed interface StateAnswer permits Folded, Refused {
    }

    /** One entity's stream. */
    private static final class Stream {
        final List<Entry> events = new ArrayList<>();
        final List<Long> tombstones = new ArrayList<>();
        /** Index in {@link #events} of the first event after the last tombstone. */
        int liveFrom;
        /** Merge of the live events' payloads. */
        Map<String, Object> state = new LinkedHashMap<>();

        long version() {
            return events.size() - liveFrom;
        }

        long lastTombstone() {
            return tombstones.isEmpty() ? 0 : tombstones.getLast();
        }

        List<Entry> live() {
            return events.subList(liveFrom, events.size());
        }
    }

    /**
     * A query's filters; {@code null} (or 0 for {@code from}) means not set. Time bounds are inclusive
     * nanoseconds since the epoch.
     */
    public record QuerySpec(String entity, String type, String tenant, Long since, Long until, Long asOf, long from,
                            long fromVersion) {
    }

    /**
     * A folded state.
     *
     * @param state the merged payloads
     * @param count events folded
     * @param last the last event folded
     */
    public record Folded(Map<String, Object> state, long count, Entry last) implements StateAnswer {
    }

    private final NavigableMap<Long, Entry> log = new TreeMap<>();
    private final Map<UUID, Entry> byId = new HashMap<>();
    private final Map<String, Stream> streams = new LinkedHashMap<>();
    private final Map<String, List<Entry>> byType = new LinkedHashMap<>();
    private long events;
    private long ingested;

    /**
     * Predicts an append: the checks run per event in order, and the first failing one refuses the
     * whole batch. An event whose client id is stored already is a retry: with the same content it
     * gets its original result and no check; with other content it is a duplicate.
     *
     * @param batch the events, in order
     * @return the outcome
     */
    public Outcome predictAppend(List<Event> batch) {
        List<Entry> existing = new ArrayList<>(batch.size());
        long[] versions = new long[batch.size()];
        Map<String, Long> pending = new HashMap<>();
        Set<UUID> newIds = new HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            Event e = batch.get(i);
            if (e.clientId()) {
                Entry stored = byId.get(e.id());
                if (stored != null) {
                    if (!stored.event().sameContent(e)) {
                        return new Refused(DuplicateEventIdException.class, e.id().toString(), stored.position());
                    }
                    existing.add(stored);
                    continue;
                }
                if (!newIds.add(e.id())) {
                    return new Refused(InvalidEventException.class, "id", 0);
                }
            }
            existing.add(null);
            Stream s = streams.get(e.entity());
            Long inBatch = pending.get(e.entity());
            long current = inBatch != null ? inBatch : s == null ? 0 : s.version();
            boolean deleted = inBatch == null && s != null && current == 0 && !s.tombstones.isEmpty();
            if (deleted && e.expected().kind() != ExpectedVersion.Kind.NO_STREAM) {
                return new Refused(EntityDeletedException.class, e.entity(), s.lastTombstone());
            }
            if (!matches(e.expected(), current)) {
                return new Refused(ConcurrencyConflictException.class, e.entity(), current);
            }
            versions[i] = current + 1;
            pending.put(e.entity(), current + 1);
        }
        return new Stored(existing, versions);
    }

    /** The four expectations, as {@code ExpectedVersion}'s Javadoc defines them. */
    private static boolean matches(ExpectedVersion expected, long current) {
        return switch (expected.kind()) {
            case ANY -> true;
            case NO_STREAM -> current == 0;
            case EXISTS -> current > 0;
            case EXACT -> current == expected.version();
        };
    }

    /**
     * @param entity an entity
     * @return what a tombstone of it must do: refused (never had events, or already deleted) or
     *         stored (a {@link Stored} with no entries)
     */
    public Outcome predictTombstone(String entity) {
        Stream s = streams.get(entity);
        if (s == null) {
            return new Refused(EntityNotFoundException.class, entity, 0);
        }
        if (s.version() == 0) {
            return new Refused(EntityDeletedException.class, entity, s.lastTombstone());
        }
        return new Stored(List.of(), new long[0]);
    }

    /**
     * Records a new event where the store put it.
     *
     * @param e the event, with its id bound
     * @param position its position
     * @param nanos its timestamp
     * @return the entry, with the version the model gives it
     */
    public Entry addEvent(Event e, long position, long nanos) {
        Stream s = streams.computeIfAbsent(e.entity(), k -> new Stream());
        Entry entry = new Entry(position, e.id(), e, e.entity(), s.version() + 1, nanos);
        putEntry(entry);
        s.events.add(entry);
        s.state = ModelJson.mergePatch(s.state, e.payload());
        byId.put(e.id(), entry);
        byType.computeIfAbsent(e.type(), k -> new ArrayList<>()).add(entry);
        events++;
        ingested++;
        return entry;
    }

    /**
     * Records a tombstone where the store put it.
     *
     * @param entity the entity
     * @param position its position
     * @param nanos its timestamp
     * @return the entry
     */
    public Entry addTombstone(String entity, long position, long nanos) {
        Stream s = streams.get(entity);
        Entry entry = new Entry(position, null, null, entity, 0, nanos);
        putEntry(entry);
        s.tombstones.add(position);
        s.liveFrom = s.events.size();
        s.state = new LinkedHashMap<>();
        return entry;
    }

    private void putEntry(Entry entry) {
        if (!log.isEmpty() && entry.position() <= log.lastKey()) {
            throw new IllegalStateException("position " + entry.position() + " after " + log.lastKey());
        }
        log.put(entry.position(), entry);
    }

    /** Forgets the count of events since open (the store was reopened). */
    public void reopened() {
        ingested = 0;
    }

    /** @param e an entry @return whether a later tombstone of its entity hides it from queries and gets */
    public boolean hidden(Entry e) {
        return !e.tombstone() && streams.get(e.entity()).lastTombstone() > e.position();
    }

    /** @param id an event id @return the visible event with that id, or null */
    public Entry get(UUID id) {
        Entry e = byId.get(id);
        return e == null || hidden(e) ? null : e;
    }

    /** @param id an event id @return the stored event with that id, hidden or not, or null */
    public Entry stored(UUID id) {
        return byId.get(id);
    }

    /**
     * @param q the filters
     * @param max most events to return
     * @return the first {@code max} events the query matches, in position order (before paging)
     */
    public List<Entry> query(QuerySpec q, int max) {
        Collection<Entry> candidates;
        if (q.entity() != null) {
            Stream s = streams.get(q.entity());
            candidates = s == null ? List.of() : s.events;
        } else if (q.type() != null) {
            candidates = byType.getOrDefault(q.type(), List.of());
        } else {
            candidates = log.tailMap(q.from(), true).values();
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : candidates) {
            if (out.size() == max) {
                break;
            }
            if (e.tombstone() || hidden(e) || e.position() < q.from() || e.version() < q.fromVersion()
                    || (q.entity() != null && !q.entity().equals(e.entity()))
                    || (q.type() != null && !q.type().equals(e.event().type()))
                    || (q.tenant() != null && !q.tenant().equals(e.event().tenant()))
                    || (q.since() != null && e.nanos() < q.since())
                    || (q.until() != null && e.nanos() > q.until())
                    || (q.asOf() != null && e.nanos() > q.asOf())) {
                continue;
            }
            out.add(e);
        }
        return out;
    }

    /**
     * The state {@code reconstruct(entity, asOf)} must return: the merge of the live events (after
     * the last tombstone) with a timestamp at or before {@code asOf}.
     *
     * @param entity the entity
     * @param asOfNanos the time-travel point, or null for now
     * @return the fold, or a {@link Refused} outcome (not found, or deleted when {@code asOf} is null)
     */
    public StateAnswer fold(String entity, Long asOfNanos) {
        Stream s = streams.get(entity);
        if (s == null) {
            return new Refused(EntityNotFoundException.class, entity, 0);
        }
        List<Entry> live = s.live();
        if (asOfNanos == null) {
            if (live.isEmpty()) {
                return new Refused(EntityDeletedException.class, entity, s.lastTombstone());
            }
            return new Folded(s.state, live.size(), live.getLast());
        }
        Map<String, Object> state = new LinkedHashMap<>();
        Entry last = null;
        int count = 0;
        for (Entry e : live) {
            if (e.nanos() > asOfNanos) {
                break;
            }
            state = ModelJson.mergePatch(state, e.event().payload());
            last = e;
            count++;
        }
        return last == null ? new Refused(EntityNotFoundException.class, entity, 0) : new Folded(state, count, last);
    }

    /**
     * @param entity the entity
     * @param position a live event of it
     * @return the fold of its live events up to and including that position (what a snapshot there holds)
     */
    public Folded foldUpTo(String entity, long position) {
        Map<String, Object> state = new LinkedHashMap<>();
        Entry last = null;
        int count = 0;
        for (Entry e : streams.get(entity).live()) {
            if (e.position() > position) {
                break;
            }
            state = ModelJson.mergePatch(state, e.event().payload());
            last = e;
            count++;
        }
        return new Folded(state, count, last);
    }

    /** @param entity an entity @return its visible stream version */
    public long version(String entity) {
        Stream s = streams.get(entity);
        return s == null ? 0 : s.version();
    }

    /** @param entity an entity @return whether it has events and its last tombstone is after them */
    public boolean deleted(String entity) {
        Stream s = streams.get(entity);
        return s != null && s.version() == 0;
    }

    /** @param entity an entity @return how many events it ever had (the length of its entity index) */
    public int eventsEver(String entity) {
        Stream s = streams.get(entity);
        return s == null ? 0 : s.events.size();
    }

    /** @param entity an entity @return how many tombstones it has */
    public int tombstones(String entity) {
        Stream s = streams.get(entity);
        return s == null ? 0 : s.tombstones.size();
    }

    /** @param entity an entity @return its live events */
    public List<Entry> live(String entity) {
        Stream s = streams.get(entity);
        return s == null ? List.of() : s.live();
    }

    /** @return every entity that ever had an event, in first-seen order */
    public Set<String> entities() {
        return streams.keySet();
    }

    /** @return every event type ever stored */
    public Set<String> types() {
        return byType.keySet();
    }

    /** @param type a type @return how many events of it were ever stored */
    public int typeCount(String type) {
        return byType.getOrDefault(type, List.of()).size();
    }

    /** @param position a position @return its entry, or null */
    public Entry at(long position) {
        return log.get(position);
    }

    /** @return every entry in position order */
    public Collection<Entry> entries() {
        return log.values();
    }

    /** @return the last position, 0 when empty */
    public long lastPosition() {
        return log.isEmpty() ? 0 : log.lastKey();
    }

    /** @return the last entry, or null */
    public Entry last() {
        return log.isEmpty() ? null : log.lastEntry().getValue();
    }

    /** @return events stored (tombstones not counted) */
    public long eventCount() {
        return events;
    }

    /** @return events stored since the store was last opened */
    public long ingested() {
        return ingested;
    }
}
