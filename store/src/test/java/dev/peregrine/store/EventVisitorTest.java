package dev.peregrine.store;

import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EventStore#query(Query, EventVisitor)} against {@link EventStore#query(Query)} on a seeded
 * random corpus: small segments (so queries cross many rolls), several tenants, types and entities,
 * metadata on some events, tombstones, and restarts between rounds of queries of every shape (entity,
 * type, whole log; tenant, time range, as-of, from-position, offset, limit), each followed page by page
 * through its cursors. The model test ({@code StoreModelTest}) checks the same equality on every page
 * it reads, against its model of the store.
 */
class EventVisitorTest {

    private static final long SEED = Long.getLong("peregrine.test.seed", System.nanoTime() % 1_000_000);

    @TempDir
    Path dir;

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(StoreOptions.MIN_SEGMENT_BYTES)
                .builtInProjections(false).build();
    }

    @Test
    void visitorSeesExactlyTheListPathsEventsAcrossRollsAndRestarts() {
        System.out.println("EventVisitorTest seed " + SEED + " (replay with -Dperegrine.test.seed=" + SEED + ")");
        Random random = new Random(SEED);
        List<Instant> times = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            try (EventStore store = EventStore.open(dir, options())) {
                append(store, random, 1500, times);
                for (int q = 0; q < 150; q++) {
                    followAllPages(store, randomQuery(random, times), "seed " + SEED + " round " + round + " query " + q);
                }
                assertThat(store.stats().segments()).as("seed %d: the queries cross segment rolls", SEED)
                        .isGreaterThan(3 * round + 2);
            }
        }
    }

    @Test
    void aVisitorThatStopsGetsACursorThatContinuesAfterItsLastEvent() {
        Random random = new Random(SEED + 1);
        try (EventStore store = EventStore.open(dir, options())) {
            append(store, random, 800, new ArrayList<>());
            Query all = Query.builder().eventType("t.b").limit(1000).build();
            List<Long> expected = store.query(all).events().stream().map(StoredEvent::position).toList();
            List<Long> seen = new ArrayList<>();
            Optional<String> cursor = Optional.empty();
            int stops = 0;
            do {
                int stopAfter = 1 + random.nextInt(40);
                List<Long> page = new ArrayList<>();
                cursor = store.query(Query.builder().eventType("t.b").limit(1000).cursor(cursor.orElse(null)).build(),
                        e -> {
                            page.add(e.position());
                            return page.size() < stopAfter;
                        });
                if (cursor.isPresent()) {
                    assertThat(page).as("seed %d: a stopped page has what the visitor took", SEED).hasSize(stopAfter);
                    stops++;
                }
                seen.addAll(page);
            } while (cursor.isPresent());
            assertThat(seen).as("seed %d: stopped pages together", SEED).isEqualTo(expected);
            assertThat(stops).as("seed %d", SEED).isGreaterThan(3);
        }
    }

    @Test
    void theViewIsOneReusedInstanceAndWhatIsCopiedOutStaysValid() {
        try (EventStore store = EventStore.open(dir, options())) {
            for (int i = 0; i < 50; i++) {
                store.append(Events.event(store, "t.a", "e-" + (i % 3), "{\"i\":" + i + "}").build());
            }
            Set<EventView> views = new HashSet<>();
            List<Record> payloads = new ArrayList<>();
            store.query(Query.builder().build(), e -> {
                views.add(e);
                payloads.add(e.payload());
                return true;
            });
            assertThat(views).as("one flyweight, re-pointed per event").hasSize(1);
            assertThat(payloads).hasSize(50);
            for (int i = 0; i < 50; i++) {
                assertThat(payloads.get(i).getLong("i")).as("payload %d read after the visit", i).isEqualTo(i);
            }
        }
    }

    private static void append(EventStore store, Random random, int n, List<Instant> times) {
        String[] types = {"t.a", "t.b", "t.c"};
        String[] tenants = {"default", "acme", "globex"};
        for (int done = 0; done < n; ) {
            int batch = 1 + random.nextInt(random.nextInt(10) == 0 ? 50 : 4);
            List<NewEvent> events = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                String entity = "entity-" + random.nextInt(40);
                StringBuilder json = new StringBuilder("{\"n\":").append(random.nextInt(1000));
                if (random.nextBoolean()) {
                    json.append(",\"s\":\"").append("x".repeat(random.nextInt(200))).append('"');
                }
                json.append('}');
                NewEvent.Builder b = Events.event(store, types[random.nextInt(types.length)], entity, json.toString())
                        .tenantId(tenants[random.nextInt(tenants.length)]);
                if (random.nextInt(4) == 0) {
                    b.metadata(JsonCodec.defaults().parse(store.dictionary(), "{\"m\":" + random.nextInt(9) + "}"));
                }
                events.add(b.build());
            }
            List<AppendResult> results = store.append(events);
            times.add(results.getLast().timestamp());
            done += batch;
            if (random.nextInt(100) == 0) { // delete an entity, and re-create it at once so later appends to it work
                // one the batch just wrote, so that it exists (an entity never written cannot be tombstoned)
                String entity = events.get(random.nextInt(events.size())).entityId();
                store.tombstone(entity);
                store.append(Events.event(store, "t.a", entity, "{\"n\":0}").expectedVersion(ExpectedVersion.noStream())
                        .build());
            }
        }
    }

    private static Query.Builder randomQuery(Random random, List<Instant> times) {
        Query.Builder b = Query.builder();
        switch (random.nextInt(3)) {
            case 0 -> b.entityId("entity-" + random.nextInt(42));
            case 1 -> b.eventType(List.of("t.a", "t.b", "t.c", "t.none").get(random.nextInt(4)));
            default -> { }
        }
        if (random.nextInt(4) == 0) {
            b.tenantId(List.of("default", "acme", "globex").get(random.nextInt(3)));
        }
        if (random.nextInt(4) == 0) {
            b.since(times.get(random.nextInt(times.size())));
        }
        if (random.nextInt(4) == 0) {
            b.until(times.get(random.nextInt(times.size())));
        }
        if (random.nextInt(6) == 0) {
            b.asOf(times.get(random.nextInt(times.size())));
        }
        if (random.nextInt(4) == 0) {
            b.fromPosition(1 + random.nextInt(times.size() * 3));
        }
        if (random.nextInt(5) == 0) {
            b.offset(random.nextInt(20));
        }
        if (random.nextInt(5) > 0) {
            b.limit(random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(150));
        }
        return b;
    }

    private static void followAllPages(EventStore store, Query.Builder b, String what) {
        String cursor = null;
        int pages = 0;
        do {
            Query query = b.cursor(cursor).build();
            QueryPage page = store.query(query);
            VisitedPages.assertSameAsPage(store, query, page, what + " page " + pages);
            cursor = page.nextCursor().orElse(null);
        } while (cursor != null && ++pages < 30);
    }
}
