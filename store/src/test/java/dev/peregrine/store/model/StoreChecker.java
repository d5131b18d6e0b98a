package dev.peregrine.store.model;

import dev.peregrine.store.StoreInternals;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.ConcurrencyConflictException;
import dev.peregrine.store.DuplicateEventIdException;
import dev.peregrine.store.EntityDeletedException;
import dev.peregrine.store.EntityNotFoundException;
import dev.peregrine.store.EntityState;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Projection;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.Snapshot;
import dev.peregrine.store.StoreStats;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.VisitedPages;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs operations on a real store and checks every answer against a {@link StoreModel}: each
 * operation's own result, cheap invariants (positions, stats, versions), and on request a full
 * comparison of everything the store can be asked. Failures are plain assertion errors; the caller
 * adds the seed and the step.
 *
 * <p>Not thread-safe.
 */
public final class StoreChecker {

    private final StoreModel model;
    private final Random random;
    private EventStore store;
    private int maxQueryLimit;
    private StoreModel.Refused lastRefusal;

    /**
     * @param store the store (replaced with {@link #reopened})
     * @param model the model it must agree with
     * @param random chooses samples for checks (not the operations)
     */
    public StoreChecker(EventStore store, StoreModel model, Random random) {
        this.model = model;
        this.random = random;
        reopened(store);
    }

    /** @param reopened the store after a restart */
    public void reopened(EventStore reopened) {
        this.store = reopened;
        this.maxQueryLimit = reopened.options().maxQueryLimit();
    }

    /** @return the refusal the last {@link #run} checked, or null */
    public StoreModel.Refused lastRefusal() {
        return lastRefusal;
    }

    /** @return the store */
    public EventStore store() {
        return store;
    }

    // ---- operations ----

    /**
     * Runs one operation and checks its result; appends and tombstones the store accepts are
     * recorded in the model.
     *
     * @param op the operation
     */
    public void run(Op op) {
        lastRefusal = null;
        switch (op) {
            case Op.Append a -> append(a.events());
            case Op.Tombstone t -> tombstone(t.entity());
            case Op.Get g -> get(g.id());
            case Op.Find f -> find(f.spec(), f.limit(), f.pages());
            case Op.Reconstruct c -> reconstruct(c.entity(), c.asOfNanos());
            case Op.Snapshot s -> snapshot(s.entity());
            case Op.ReadFrom rf -> readFrom(rf.position(), rf.max(), true);
            case Op.Version v -> assertThat(store.streamVersion(v.entity())).as("version of %s", v.entity())
                    .isEqualTo(model.version(v.entity()));
        }
    }

    /**
     * Builds the request a client would send for model events.
     *
     * @param store the store whose dictionary encodes the records
     * @param e the event
     * @return the event to append
     */
    public static NewEvent newEvent(EventStore store, StoreModel.Event e) {
        JsonCodec json = JsonCodec.defaults();
        return NewEvent.builder().eventId(e.clientId() ? e.id() : null).eventType(e.type()).entityId(e.entity())
                .tenantId(e.tenant()).payload(json.parse(store.dictionary(), ModelJson.write(e.payload())))
                .metadata(e.metadata() == null ? null : json.parse(store.dictionary(), ModelJson.write(e.metadata())))
                .expectedVersion(e.expected()).build();
    }

    /**
     * Appends a batch and checks it against the model's prediction: the same refusal, or the same
     * results (original ones for retries, the next positions and predicted versions for new events),
     * then reads every new event back.
     *
     * @param events the batch
     * @return the new entries (none if refused or all repeats)
     */
    public List<StoreModel.Entry> append(List<StoreModel.Event> events) {
        List<NewEvent> request = new ArrayList<>(events.size());
        List<StoreModel.Event> bound = new ArrayList<>(events.size());
        for (StoreModel.Event e : events) {
            NewEvent n = newEvent(store, e);
            request.add(n);
            bound.add(e.clientId() ? e : e.withId(n.eventId()));
        }
        StoreModel.Outcome expected = model.predictAppend(bound);
        List<AppendResult> results = unlessRefused(() -> store.append(request), expected, "an append");
        if (results == null) {
            return List.of();
        }
        if (!(expected instanceof StoreModel.Stored stored)) {
            return fail("the store accepted an append the model refuses with %s; results %s", expected, results);
        }
        assertThat(results).as("one result per event").hasSize(events.size());
        List<StoreModel.Entry> added = new ArrayList<>();
        long position = model.lastPosition();
        long previousNanos = model.last() == null ? Long.MIN_VALUE : model.last().nanos();
        for (int i = 0; i < events.size(); i++) {
            AppendResult r = results.get(i);
            StoreModel.Entry repeat = stored.existing().get(i);
            if (repeat != null) {
                assertThat(r).as("retry of event %d gets the original result", i).isEqualTo(result(repeat));
                continue;
            }
            assertThat(r.position()).as("position of event %d", i).isEqualTo(++position);
            assertThat(r.version()).as("version of event %d", i).isEqualTo(stored.versions()[i]);
            assertThat(r.eventId()).as("id of event %d", i).isEqualTo(bound.get(i).id());
            long nanos = nanos(r.timestamp());
            assertThat(nanos).as("timestamp of event %d never goes back", i).isGreaterThanOrEqualTo(previousNanos);
            previousNanos = nanos;
            StoreModel.Entry entry = model.addEvent(bound.get(i), r.position(), nanos);
            assertThat(entry.version()).as("model version").isEqualTo(stored.versions()[i]);
            added.add(entry);
        }
        for (StoreModel.Entry e : added) {
            Optional<StoredEvent> back = store.get(e.id());
            assertThat(back).as("new event %s at %d reads back by id", e.id(), e.position()).isPresent();
            assertSame(back.get(), e, true);
        }
        return added;
    }

    /**
     * Calls the store where the model may expect a refusal.
     *
     * @param call the call
     * @param expected the model's answer: a {@link StoreModel.Refused} or anything else for success
     * @param what the request, for the message
     * @return the call's result, or null when it was refused as the model expected
     * @throws AssertionError when it was refused otherwise, or although the model expected success
     */
    private <T> T unlessRefused(Supplier<T> call, Object expected, String what) {
        try {
            return call.get();
        } catch (EventStoreException e) {
            if (!(expected instanceof StoreModel.Refused refused)) {
                throw new AssertionError("the store refused " + what + "; the model accepts it: " + e, e);
            }
            assertRefusal(refused, e);
            return null;
        }
    }

    /** @param e an entry @return what an append of it returned */
    public static AppendResult result(StoreModel.Entry e) {
        return new AppendResult(e.id(), e.position(), e.version(), Instant.ofEpochSecond(0, e.nanos()));
    }

    private void assertRefusal(StoreModel.Refused refused, EventStoreException e) {
        lastRefusal = refused;
        assertThat(e).as("refusal").isInstanceOf(refused.type());
        switch (e) {
            case ConcurrencyConflictException c -> {
                assertThat(c.entityId()).as("conflicting entity").isEqualTo(refused.subject());
                assertThat(c.actualVersion()).as("actual version").isEqualTo(refused.number());
            }
            case DuplicateEventIdException d -> {
                assertThat(d.eventId()).as("duplicate id").hasToString(refused.subject());
                assertThat(d.existingPosition()).as("position of the stored event").isEqualTo(refused.number());
            }
            case EntityDeletedException d -> {
                assertThat(d.entityId()).as("deleted entity").isEqualTo(refused.subject());
                assertThat(d.tombstonePosition()).as("tombstone position").isEqualTo(refused.number());
            }
            case EntityNotFoundException n -> assertThat(n.entityId()).as("missing entity").isEqualTo(refused.subject());
            case InvalidEventException i -> assertThat(i.field()).as("invalid field").isEqualTo(refused.subject());
            default -> fail("unexpected refusal %s", e);
        }
    }

    /**
     * Deletes an entity and checks the tombstone (or the refusal).
     *
     * @param entity the entity
     */
    public void tombstone(String entity) {
        StoreModel.Outcome expected = model.predictTombstone(entity);
        Long position = unlessRefused(() -> store.tombstone(entity), expected, "a tombstone of " + entity);
        if (position == null) {
            return;
        }
        assertThat(expected).as("tombstone of %s accepted", entity).isInstanceOf(StoreModel.Stored.class);
        assertThat(position).as("tombstone position").isEqualTo(model.lastPosition() + 1);
        StoredEvent t = StoreInternals.read(store, position, 1).getFirst();
        assertThat(t.isTombstone()).as("entry at %d is a tombstone", position).isTrue();
        assertThat(t.entityId()).isEqualTo(entity);
        assertThat(t.timestampNanos()).as("tombstone timestamp never goes back")
                .isGreaterThanOrEqualTo(model.last().nanos());
        model.addTombstone(entity, position, t.timestampNanos());
        assertThat(store.streamVersion(entity)).as("version after tombstone").isZero();
    }

    private void get(UUID id) {
        StoreModel.Entry expected = model.get(id);
        Optional<StoredEvent> actual = store.get(id);
        if (expected == null) {
            assertThat(actual).as("get %s (absent or hidden by a tombstone)", id).isEmpty();
        } else {
            assertThat(actual).as("get %s", id).isPresent();
            assertSame(actual.get(), expected, true);
        }
    }

    /**
     * Runs a query page by page and checks that the pages together are exactly the model's answer.
     *
     * @param q the filters
     * @param limit the page size, or 0 for the store's default
     * @param maxPages most pages to read
     */
    public void find(StoreModel.QuerySpec q, int limit, int maxPages) {
        int pageSize = Math.min(limit == 0 ? maxQueryLimit : limit, maxQueryLimit);
        List<StoreModel.Entry> expected = model.query(q, (int) Math.min(Integer.MAX_VALUE, (long) pageSize * maxPages + 1));
        List<StoredEvent> actual = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Query.Builder b = Query.builder().entityId(q.entity()).eventType(q.type()).tenantId(q.tenant())
                    .since(instant(q.since())).until(instant(q.until())).asOf(instant(q.asOf())).cursor(cursor);
            if (q.from() > 0) {
                b.fromPosition(q.from());
            }
            if (q.fromVersion() > 0) {
                b.fromVersion(q.fromVersion());
            }
            if (limit > 0) {
                b.limit(limit);
            }
            Query query = b.build();
            QueryPage page = store.query(query);
            VisitedPages.assertSameAsPage(store, query, page, "page " + pages + " of " + q + " limit " + limit);
            if (!page.events().isEmpty() && !actual.isEmpty()) {
                assertThat(page.events().getFirst().position()).as("page %d of %s continues after the last", pages, q)
                        .isGreaterThan(actual.getLast().position());
            }
            if (page.nextCursor().isPresent()) {
                assertThat(page.nextCursor().get()).as("the cursor of %s moves on", q).isNotEqualTo(cursor);
            }
            assertThat(page.events().size()).as("page %d of %s is at most %d", pages, q, pageSize)
                    .isLessThanOrEqualTo(pageSize);
            if (page.events().size() < pageSize) {
                assertThat(page.nextCursor()).as("a page that is not full is the last (%s)", q).isEmpty();
            }
            actual.addAll(page.events());
            cursor = page.nextCursor().orElse(null);
        } while (cursor != null && ++pages < maxPages);
        List<StoreModel.Entry> prefix = cursor == null ? expected : expected.subList(0, Math.min(expected.size(), actual.size()));
        assertThat(positions(actual)).as("query %s limit %d, %d pages", q, limit, pages)
                .isEqualTo(prefix.stream().map(StoreModel.Entry::position).toList());
        for (int i = 0; i < actual.size(); i++) {
            assertSame(actual.get(i), prefix.get(i), i % 64 == 0);
        }
    }

    private static List<Long> positions(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::position).toList();
    }

    private void reconstruct(String entity, Long asOf) {
        StoreModel.StateAnswer expected = model.fold(entity, asOf);
        EntityState state = unlessRefused(() -> store.reconstruct(entity, instant(asOf)), expected,
                "the state of " + entity + " as of " + asOf);
        if (state == null) {
            return;
        }
        if (!(expected instanceof StoreModel.Folded folded)) {
            fail("reconstruct %s as of %s gave a state; the model says %s", entity, asOf, expected);
            return;
        }
        String what = "state of " + entity + " as of " + asOf;
        assertThat(ModelJson.readObject(state.state().toJson())).as(what).isEqualTo(folded.state());
        assertThat(state.eventCount()).as(what + ": events folded").isEqualTo(folded.count());
        assertThat(state.lastPosition()).as(what + ": last position").isEqualTo(folded.last().position());
        assertThat(nanos(state.lastUpdated())).as(what + ": last updated").isEqualTo(folded.last().nanos());
        assertThat(state.asOf()).as(what).isEqualTo(Optional.ofNullable(instant(asOf)));
    }

    private void snapshot(String entity) {
        StoreModel.StateAnswer expected = model.fold(entity, null);
        Snapshot snapshot = unlessRefused(() -> store.createSnapshot(entity), expected, "a snapshot of " + entity);
        if (snapshot == null) {
            return;
        }
        if (!(expected instanceof StoreModel.Folded folded)) {
            fail("snapshot of %s made; the model says %s", entity, expected);
            return;
        }
        assertSnapshot(snapshot, folded);
        assertSnapshot(store.latestSnapshot(entity).orElseThrow(), folded);
    }

    private static void assertSnapshot(Snapshot snapshot, StoreModel.Folded folded) {
        String what = "snapshot of " + snapshot.entityId() + " at " + snapshot.position();
        assertThat(ModelJson.readObject(snapshot.state().toJson())).as(what).isEqualTo(folded.state());
        assertThat(snapshot.version()).as(what + ": version").isEqualTo(folded.count());
        assertThat(snapshot.position()).as(what + ": position").isEqualTo(folded.last().position());
        assertThat(nanos(snapshot.timestamp())).as(what + ": timestamp").isEqualTo(folded.last().nanos());
    }

    /**
     * Reads the raw log from a position and compares every entry.
     *
     * @param from first position
     * @param max most entries
     * @param payloads whether to compare every payload (else one in 64)
     */
    public void readFrom(long from, int max, boolean payloads) {
        List<StoredEvent> got = StoreInternals.read(store, from, max);
        long expected = Math.max(0, Math.min(model.lastPosition(), from + max - 1) - from + 1);
        assertThat(got).as("readFrom(%d, %d)", from, max).hasSize((int) expected);
        for (int i = 0; i < got.size(); i++) {
            assertSame(got.get(i), model.at(from + i), payloads || (from + i) % 64 == 0);
        }
    }

    /**
     * Compares a stored entry with the model's. Plain comparisons rather than one assertion per field:
     * this runs for millions of entries.
     *
     * @param actual what the store returned
     * @param expected the model's entry
     * @param payload whether to compare payload and metadata too
     */
    public static void assertSame(StoredEvent actual, StoreModel.Entry expected, boolean payload) {
        String difference = difference(actual, expected, payload);
        if (difference != null) {
            throw new AssertionError("entry at " + expected.position() + ": " + difference + "\n  store: " + actual
                    + "\n  model: " + expected);
        }
    }

    private static String difference(StoredEvent actual, StoreModel.Entry expected, boolean payload) {
        if (actual.position() != expected.position()) {
            return "position " + actual.position();
        }
        if (actual.isTombstone() != expected.tombstone()) {
            return actual.isTombstone() ? "a tombstone instead of an event" : "an event instead of a tombstone";
        }
        if (!actual.entityId().equals(expected.entity())) {
            return "entity " + actual.entityId();
        }
        if (actual.version() != expected.version()) {
            return "version " + actual.version() + " instead of " + expected.version();
        }
        if (actual.timestampNanos() != expected.nanos()) {
            return "timestamp " + actual.timestampNanos() + " instead of " + expected.nanos();
        }
        if (expected.tombstone()) {
            return null;
        }
        StoreModel.Event e = expected.event();
        if (!actual.id().equals(expected.id())) {
            return "id " + actual.id() + " instead of " + expected.id();
        }
        if (!actual.eventType().equals(e.type()) || !actual.tenantId().equals(e.tenant())) {
            return "type/tenant " + actual.eventType() + "/" + actual.tenantId() + " instead of " + e.type() + "/"
                    + e.tenant();
        }
        if (payload) {
            Map<String, Object> stored = ModelJson.readObject(actual.payload().toJson());
            if (!stored.equals(e.payload())) {
                return "payload " + stored + " instead of " + e.payload();
            }
            Map<String, Object> meta = actual.metadata().map(m -> ModelJson.readObject(m.toJson())).orElse(null);
            if (!Objects.equals(meta, e.metadata())) {
                return "metadata " + meta + " instead of " + e.metadata();
            }
        }
        return null;
    }

    // ---- invariants and comparisons ----

    /**
     * Cheap checks after every step: last position, counters, the last entry, and the versions of
     * the entities the step touched.
     *
     * @param touched entities to check the version of
     */
    public void invariants(Set<String> touched) {
        assertThat(store.lastPosition()).as("last position").isEqualTo(model.lastPosition());
        StoreStats stats = store.stats();
        assertThat(stats.lastPosition()).as("stats: last position").isEqualTo(model.lastPosition());
        assertThat(stats.totalEvents()).as("stats: total events").isEqualTo(model.eventCount());
        assertThat(stats.totalEntities()).as("stats: total entities").isEqualTo(model.entities().size());
        assertThat(stats.totalEventTypes()).as("stats: total types").isEqualTo(model.types().size());
        assertThat(stats.ingestedSinceStart()).as("stats: ingested since start").isEqualTo(model.ingested());
        if (model.last() != null) {
            readFrom(model.lastPosition(), 2, false);
        }
        for (String entity : touched) {
            assertThat(store.streamVersion(entity)).as("version of %s", entity).isEqualTo(model.version(entity));
        }
    }

    /**
     * Everything about one entity: its whole stream through the entity index, version and state.
     *
     * @param entity the entity
     */
    public void entity(String entity) {
        find(new StoreModel.QuerySpec(entity, null, null, null, null, null, 0, 0), 100 + random.nextInt(900), Integer.MAX_VALUE);
        assertThat(store.streamVersion(entity)).as("version of %s", entity).isEqualTo(model.version(entity));
        reconstruct(entity, null);
    }

    /**
     * The whole type list of one type.
     *
     * @param type the type
     */
    public void type(String type) {
        find(new StoreModel.QuerySpec(null, type, null, null, null, null, 0, 0), 1000, Integer.MAX_VALUE);
    }

    /**
     * Every event id of the log, looked up.
     */
    public void ids() {
        List<Long> wrong = new ArrayList<>();
        for (StoreModel.Entry e : model.entries()) {
            if (e.tombstone()) {
                continue;
            }
            Optional<StoredEvent> got = store.get(e.id());
            boolean ok = model.hidden(e) ? got.isEmpty() : got.isPresent() && got.get().position() == e.position();
            if (!ok) {
                wrong.add(e.position());
            }
        }
        assertThat(wrong).as("positions whose id lookup is wrong (missing, or shown although deleted)").isEmpty();
    }

    /**
     * Compares everything: the raw log, every id, every entity's version, state and newest snapshot,
     * every type list, a set of random queries, and the built-in projections.
     *
     * @param payloads whether to compare every payload of the log (else one in 64)
     * @param queries random queries to compare
     */
    public void full(boolean payloads, List<Op.Find> queries) {
        invariants(Set.of());
        for (long p = 1; p <= model.lastPosition(); p += 1000) {
            readFrom(p, 1000, payloads);
        }
        ids();
        for (String entity : model.entities()) {
            assertThat(store.streamVersion(entity)).as("version of %s", entity).isEqualTo(model.version(entity));
            reconstruct(entity, null);
            store.latestSnapshot(entity).ifPresent(s -> {
                assertThat(model.live(entity).stream().anyMatch(e -> e.position() == s.position()))
                        .as("newest snapshot of %s at %d is of a live event", entity, s.position()).isTrue();
                assertSnapshot(s, model.foldUpTo(entity, s.position()));
            });
        }
        for (String type : model.types()) {
            type(type);
        }
        for (Op.Find q : queries) {
            find(q.spec(), q.limit(), Integer.MAX_VALUE);
        }
        projections();
    }

    /** The built-in projections, once they caught up: current states and counts per type. */
    public void projections() {
        try {
            store.awaitProjections(Duration.ofSeconds(120));
        } catch (Exception e) {
            throw new AssertionError("projections did not catch up", e);
        }
        Projection snapshots = store.projection("entity_snapshots").orElseThrow();
        for (String entity : model.entities()) {
            Optional<Record> state = snapshots.state(entity);
            if (model.fold(entity, null) instanceof StoreModel.Folded folded) {
                assertThat(state).as("entity_snapshots of %s", entity).isPresent();
                assertThat(ModelJson.readObject(state.get().toJson())).as("entity_snapshots of %s", entity)
                        .isEqualTo(folded.state());
            } else {
                assertThat(state).as("entity_snapshots of deleted %s", entity).isEmpty();
            }
        }
        Projection counters = store.projection("event_counters").orElseThrow();
        for (String type : model.types()) {
            assertThat(counters.state(type).map(s -> s.getLong("count")).orElse(0L)).as("event_counters of %s", type)
                    .isEqualTo((long) model.typeCount(type));
        }
    }

    private static Instant instant(Long nanos) {
        return nanos == null ? null : Instant.ofEpochSecond(0, nanos);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** @return the model */
    public StoreModel model() {
        return model;
    }
}
