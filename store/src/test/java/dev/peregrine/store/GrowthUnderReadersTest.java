package dev.peregrine.store;

import dev.peregrine.record.JsonCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every index and table of the store crosses its growth thresholds while reader threads read and
 * while groups are in flight: one writer pipelines batches (up to eight requests queued, so the
 * sequencer writes several per group) through 130,000 events, which grows the id table eight times,
 * the hot entity's list and the big type's list past many pages, thousands of small entity and type
 * lists through their first-page doublings, the offset lists of 4 MiB segments past two pages, the
 * segment array at each roll, and the log writer's staging buffer (batches of up to 1 MiB).
 *
 * <p>Event {@code k} has a content that is a function of {@code k} alone and lands at position
 * {@code k + 1}, so a reader knows what every position must hold. Readers acquire the visible
 * position {@code v0}, ask (by id, by entity, by type, from a position, state, version), read it
 * again as {@code v1}, and require: what they see at a position is that position's event, complete
 * and correct; nothing at or below {@code v0} is missing; nothing above {@code v1} is shown (an
 * event is never visible before its group is). {@link UnderReaders} paces writer and readers, so the
 * reads interleave with every growth whatever the machine's speed.
 */
class GrowthUnderReadersTest {

    private static final int EVENTS = 130_000;
    private static final int READERS = 3;
    private static final int IN_FLIGHT = 8;
    private static final int SMALL_ENTITIES = 3000;
    private static final int SMALL_TYPES = 40;

    @TempDir
    Path dir;

    private long seed;
    private final Map<String, long[]> byEntity = new HashMap<>();
    private final Map<String, long[]> byType = new HashMap<>();

    private static long mix(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    private String entity(long k) {
        return k % 2 == 0 ? "hot" : "e-" + Math.floorMod(mix(k ^ seed), SMALL_ENTITIES);
    }

    private String type(long k) {
        return k % 5 < 3 ? "big" : "t-" + Math.floorMod(mix(k + seed), SMALL_TYPES);
    }

    private UUID id(long k) {
        return new UUID(mix(k ^ ~seed), k);
    }

    private static int pad(long k, boolean big) {
        return big ? 200 + (int) Math.floorMod(mix(k), 100) : (int) Math.floorMod(mix(k), 48);
    }

    @Test
    void readersSeeCompleteCorrectEventsWhileEveryIndexGrows() throws Exception {
        seed = Long.getLong("peregrine.model.seed", System.nanoTime() % 1_000_000_000L);
        System.out.printf("growth under readers: seed %d (replay with -Dperegrine.model.seed=%d)%n", seed, seed);
        Random random = new Random(seed);
        List<int[]> batches = plan(random);
        index();
        AtomicLong ahead = new AtomicLong();
        StoreOptions options = StoreOptions.builder().durability(Durability.none()).segmentBytes(4 << 20)
                .builtInProjections(false).snapshotEvery(0).build();
        try (EventStore store = EventStore.open(dir, options)) {
            long checks = UnderReaders.run("growth under readers", seed, READERS, 4, 16,
                    pace -> write(store, batches, pace), r -> read(store, r, ahead));
            String context = "seed " + seed + " (replay with -Dperegrine.model.seed=" + seed + ")";
            assertThat(store.lastPosition()).as(context).isEqualTo(EVENTS);
            assertThat(store.stats().segments()).as(context + ": segments rolled").isGreaterThan(3);
            System.out.printf("%d reader checks, %d of them by id beyond the visible position%n", checks, ahead.get());
        }
    }

    /** Batch sizes and whether their events are big: mostly small batches, some of thousands. */
    private static List<int[]> plan(Random random) {
        List<int[]> batches = new ArrayList<>();
        int planned = 0;
        while (planned < EVENTS) {
            int k = random.nextInt(100);
            int size = k < 2 ? 2000 + random.nextInt(2000) : k < 10 ? 100 + random.nextInt(400) : 1 + random.nextInt(40);
            size = Math.min(size, EVENTS - planned);
            batches.add(new int[] {size, k < 2 ? 1 : 0});
            planned += size;
        }
        return batches;
    }

    /** Positions of each entity's and each type's events, from the content function. */
    private void index() {
        Map<String, List<Long>> entities = new HashMap<>();
        Map<String, List<Long>> types = new HashMap<>();
        for (long k = 0; k < EVENTS; k++) {
            entities.computeIfAbsent(entity(k), e -> new ArrayList<>()).add(k + 1);
            types.computeIfAbsent(type(k), e -> new ArrayList<>()).add(k + 1);
        }
        entities.forEach((e, l) -> byEntity.put(e, l.stream().mapToLong(Long::longValue).toArray()));
        types.forEach((t, l) -> byType.put(t, l.stream().mapToLong(Long::longValue).toArray()));
    }

    private NewEvent event(EventStore store, long k, boolean big) {
        String json = "{\"k\":" + k + ",\"pad\":\"" + "p".repeat(pad(k, big)) + "\"}";
        return NewEvent.builder().eventId(id(k)).eventType(type(k)).entityId(entity(k))
                .payload(JsonCodec.defaults().parse(store.dictionary(), json)).build();
    }

    /** Pipelines the batches in order, checking every result; waits for the readers to keep up. */
    private void write(EventStore store, List<int[]> batches, UnderReaders.Pace pace) {
        Deque<CompletableFuture<List<AppendResult>>> pending = new ArrayDeque<>();
        Deque<Long> firsts = new ArrayDeque<>();
        long k = 0;
        for (int b = 0; b < batches.size() && !pace.failed(); b++) {
            int[] batch = batches.get(b);
            List<NewEvent> events = new ArrayList<>(batch[0]);
            for (int i = 0; i < batch[0]; i++) {
                events.add(event(store, k + i, batch[1] == 1));
            }
            pending.add(store.appendAsync(events));
            firsts.add(k);
            k += batch[0];
            if (pending.size() == IN_FLIGHT) {
                checkResults(pending.removeFirst().join(), firsts.removeFirst());
            }
            pace.step(); // reads interleave with every batch, so with every growth
        }
        while (!pending.isEmpty()) {
            checkResults(pending.removeFirst().join(), firsts.removeFirst());
        }
    }

    private void checkResults(List<AppendResult> results, long first) {
        for (int i = 0; i < results.size(); i++) {
            AppendResult r = results.get(i);
            long k = first + i;
            assertThat(r.position()).as("position of event %d", k).isEqualTo(k + 1);
            assertThat(r.eventId()).as("id of event %d", k).isEqualTo(id(k));
        }
    }

    /** One random read, checked against the content function and the visible positions around it. */
    private void read(EventStore store, Random r, AtomicLong ahead) {
        long v0 = store.lastPosition();
        switch (r.nextInt(8)) {
            case 0, 1 -> {
                if (v0 == 0) {
                    return;
                }
                long p = 1 + (long) (r.nextDouble() * v0);
                Optional<StoredEvent> got = store.get(id(p - 1));
                assertThat(got).as("visible position %d (of %d) found by id", p, v0).isPresent();
                assertEvent(got.get(), p);
            }
            case 2 -> {
                long p = v0 + 1 + r.nextInt(300); // in a group being written, or not written yet
                if (p > EVENTS) {
                    return;
                }
                Optional<StoredEvent> got = store.get(id(p - 1));
                ahead.incrementAndGet();
                if (got.isPresent()) {
                    long v1 = store.lastPosition();
                    assertThat(v1).as("event %d was shown by id only once visible", p).isGreaterThanOrEqualTo(p);
                    assertEvent(got.get(), p);
                }
            }
            case 3 -> {
                String entity = r.nextBoolean() ? "hot" : "e-" + r.nextInt(SMALL_ENTITIES);
                list(store, Query.builder().entityId(entity), byEntity.get(entity), v0, r, "entity " + entity);
            }
            case 4 -> {
                String type = r.nextBoolean() ? "big" : "t-" + r.nextInt(SMALL_TYPES);
                list(store, Query.builder().eventType(type), byType.get(type), v0, r, "type " + type);
            }
            case 5 -> {
                long from = 1 + (long) (r.nextDouble() * (v0 + 50));
                int max = 1 + r.nextInt(500);
                List<StoredEvent> got = StoreInternals.read(store, from, max);
                long v1 = store.lastPosition();
                assertThat((long) got.size()).as("readFrom(%d, %d) between visible %d and %d", from, max, v0, v1)
                        .isBetween(Math.max(0, Math.min(max, v0 - from + 1)), Math.max(0, Math.min(max, v1 - from + 1)));
                for (int i = 0; i < got.size(); i++) {
                    assertEvent(got.get(i), from + i);
                }
            }
            case 6 -> {
                String entity = r.nextInt(4) == 0 ? "hot" : "e-" + r.nextInt(SMALL_ENTITIES);
                long[] positions = byEntity.get(entity);
                long version = store.streamVersion(entity);
                long v1 = store.lastPosition();
                assertThat(version).as("version of %s between visible %d and %d", entity, v0, v1)
                        .isBetween((long) count(positions, v0), (long) count(positions, v1));
            }
            default -> {
                String entity = "e-" + r.nextInt(SMALL_ENTITIES);
                long[] positions = byEntity.get(entity);
                if (positions == null || count(positions, v0) == 0) {
                    return;
                }
                EntityState state = store.reconstruct(entity, null);
                long v1 = store.lastPosition();
                int n = (int) state.eventCount();
                assertThat(n).as("state of %s folds the events visible between %d and %d", entity, v0, v1)
                        .isBetween(count(positions, v0), count(positions, v1));
                assertThat(state.lastPosition()).as("state of %s", entity).isEqualTo(positions[n - 1]);
                assertThat(state.state().getLong("k")).as("state of %s", entity).isEqualTo(positions[n - 1] - 1);
            }
        }
    }

    /** A page of an entity or type list from a random position: exactly the expected positions. */
    private void list(EventStore store, Query.Builder query, long[] expected, long v0, Random r, String what) {
        if (expected == null) {
            return;
        }
        long from = 1 + (long) (r.nextDouble() * (v0 + 50));
        int limit = 1 + r.nextInt(300);
        List<StoredEvent> got = store.query(query.fromPosition(from).limit(limit).build()).events();
        long v1 = store.lastPosition();
        int start = count(expected, from - 1);
        int atLeast = Math.min(limit, count(expected, v0) - start);
        int atMost = Math.min(limit, count(expected, v1) - start);
        assertThat(got.size()).as("%s from %d limit %d between visible %d and %d", what, from, limit, v0, v1)
                .isBetween(Math.max(0, atLeast), Math.max(0, atMost));
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).position()).as("%s from %d: result %d", what, from, i).isEqualTo(expected[start + i]);
            assertEvent(got.get(i), expected[start + i]);
        }
    }

    /** @return how many of the sorted positions are at or below {@code max} */
    private static int count(long[] positions, long max) {
        int i = Arrays.binarySearch(positions, max);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** The event at {@code position} is event {@code position - 1}, whole. */
    private void assertEvent(StoredEvent e, long position) {
        long k = position - 1;
        assertThat(e.position()).as("position").isEqualTo(position);
        assertThat(e.id()).as("id at %d", position).isEqualTo(id(k));
        assertThat(e.entityId()).as("entity at %d", position).isEqualTo(entity(k));
        assertThat(e.eventType()).as("type at %d", position).isEqualTo(type(k));
        assertThat(e.payload().getLong("k")).as("payload at %d", position).isEqualTo(k);
        int pad = e.payload().getString("pad").length();
        assertThat(pad == pad(k, false) || pad == pad(k, true)).as("payload padding at %d: %d", position, pad).isTrue();
    }
}
