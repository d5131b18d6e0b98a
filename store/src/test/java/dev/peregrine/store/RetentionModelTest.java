package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.model.ModelJson;
import dev.peregrine.store.retention.RetentionRule;
import dev.peregrine.store.retention.ScavengeStatus;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.subscription.SubscriptionListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention and scavenging against a plain model: a seeded random run of appends (to plain entities,
 * entities under a prefix, and a tenant's), tombstones and re-creations, rule changes (by type,
 * prefix and tenant; max age and max count), clock moves, scavenges and restarts (with the index
 * checkpoint kept or deleted). After every step that can change what is visible, and in full at
 * intervals, the store must agree with the model: every event by id, queries over the log, by entity
 * and by type (paged), entity state and versions, a subscription's catch-up, and the raw log (every
 * event the model says a scavenge removed is physically gone, every other one present).
 *
 * <p>The model decides expiry with its own straightforward loops over every event ever appended,
 * removal by the segments a scavenge may rewrite (all but the newest two, read from the file names).
 *
 * <p>Seed: random, printed at the start and in every failure; replay with
 * {@code -Dperegrine.retention.seed=<seed>}; a longer run with {@code -Dperegrine.retention.steps=<n>}.
 */
class RetentionModelTest {

    private static final String SEED = "peregrine.retention.seed";
    private static final String STEPS = "peregrine.retention.steps";
    private static final String[] TYPES = {"click", "order", "ping"};
    private static final String[] ENTITIES = {"a1", "a2", "a3", "s-1", "s-2", "s-3", "t1:x1", "t1:x2"};
    private static final String PAD = "p".repeat(300);

    @TempDir
    Path dir;

    /** A clock the test moves; retention judges ages by it. */
    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.now();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }

        long nanos() {
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    }

    /** One log entry as the model keeps it. */
    private record Entry(long position, UUID id, String entity, String type, String tenant, long timestamp,
                         Map<String, Object> payload, boolean tombstone) {
    }

    private final List<Entry> log = new ArrayList<>();
    private final Map<String, RetentionRule> rules = new TreeMap<>();
    private final Set<Long> removed = new HashSet<>();
    private final Set<String> deleted = new HashSet<>();
    private final TestClock clock = new TestClock();
    private EventStore store;
    private String context;

    @Test
    void storeAgreesWithTheModel() throws Exception {
        long seed = Long.getLong(SEED, System.nanoTime() % 1_000_000_000L);
        int steps = Integer.getInteger(STEPS, 600);
        System.out.printf("retention model: seed %d, %d steps (replay with -D%s=%d)%n", seed, steps, SEED, seed);
        Random random = new Random(seed);
        open();
        int scavenges = 0;
        long removedEvents = 0;
        for (int step = 0; step < steps; step++) {
            int op = random.nextInt(100);
            context = "seed " + seed + ", step " + step + ", op " + op;
            try {
                if (op < 55) {
                    append(random);
                } else if (op < 59) {
                    tombstone(random);
                } else if (op < 67) {
                    putRule(random);
                    check(random, false);
                } else if (op < 71) {
                    removeRule(random);
                    check(random, false);
                } else if (op < 80) {
                    clock.now = clock.now.plusMillis(random.nextInt(8_000));
                    check(random, false);
                } else if (op < 88) {
                    removedEvents += scavenge();
                    scavenges++;
                    check(random, true);
                } else if (op < 92) {
                    restart(random);
                    check(random, true);
                } else {
                    check(random, step % 5 == 0);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(context + ": " + e.getMessage(), e);
            }
        }
        context = "seed " + seed + ", end";
        removedEvents += scavenge();
        check(random, true);
        restart(random);
        check(random, true);
        store.close();
        System.out.printf("retention model: seed %d: %d entries, %d scavenges, %d events removed, %d rules at the end%n",
                seed, log.size(), scavenges + 1, removed.size(), rules.size());
        assertThat(removedEvents).as("seed %d: scavenges removed events", seed).isEqualTo(removed.size());
        assertThat(removed).as("seed %d: the run removed events", seed).isNotEmpty();
    }

    // ---- steps ----

    private void open() {
        store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none()).segmentBytes(64 * 1024)
                .snapshotEvery(4).build());
        store.retentionClock(clock);
    }

    private void restart(Random random) throws IOException {
        store.close();
        if (random.nextBoolean()) {
            Files.deleteIfExists(dir.resolve("index.ckpt")); // rebuild the indexes from the (rewritten) log
        }
        open();
        assertThat(store.retention().rules()).as(context + ": rules after a restart")
                .containsExactlyElementsOf(rules.values());
    }

    private void append(Random random) {
        String entity = ENTITIES[random.nextInt(ENTITIES.length)];
        String tenant = entity.startsWith("t1:") ? "t1" : NewEvent.DEFAULT_TENANT;
        int n = 1 + random.nextInt(4);
        List<NewEvent> batch = new ArrayList<>();
        List<Map<String, Object>> payloads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("f" + random.nextInt(5), (long) random.nextInt(1000));
            payload.put("pad", PAD);
            payloads.add(payload);
            NewEvent.Builder b = NewEvent.builder().eventType(TYPES[random.nextInt(TYPES.length)]).entityId(entity)
                    .tenantId(tenant).eventId(UUID.randomUUID())
                    .payload(JsonCodec.defaults().parse(store.dictionary(), ModelJson.write(payload)));
            if (i == 0 && deleted.contains(entity)) {
                b.expectedVersion(ExpectedVersion.noStream());
            }
            batch.add(b.build());
        }
        List<AppendResult> results = store.append(batch);
        deleted.remove(entity);
        for (int i = 0; i < n; i++) {
            AppendResult r = results.get(i);
            NewEvent e = batch.get(i);
            assertThat(r.position()).as(context).isEqualTo(log.size() + 1);
            long ts = r.timestamp().getEpochSecond() * 1_000_000_000L + r.timestamp().getNano();
            log.add(new Entry(r.position(), e.eventId(), entity, e.eventType(), tenant, ts,
                    payloads.get(i), false));
        }
        if (clock.now.isBefore(results.getLast().timestamp())) {
            clock.now = results.getLast().timestamp(); // the test clock never falls behind the log
        }
    }

    private void tombstone(Random random) {
        String entity = ENTITIES[random.nextInt(ENTITIES.length)];
        if (deleted.contains(entity) || log.stream().noneMatch(e -> e.entity.equals(entity) && !e.tombstone)) {
            return;
        }
        long position = store.tombstone(entity);
        assertThat(position).as(context).isEqualTo(log.size() + 1);
        log.add(new Entry(position, null, entity, StoredEvent.TOMBSTONE_TYPE, null, 0, Map.of(), true));
        deleted.add(entity);
    }

    private void putRule(Random random) {
        RetentionRule.Builder b = RetentionRule.builder("r" + random.nextInt(4));
        switch (random.nextInt(5)) {
            case 0 -> b.eventType(TYPES[random.nextInt(TYPES.length)]);
            case 1 -> b.entityIdPrefix("s-");
            case 2 -> b.tenantId("t1");
            case 3 -> b.eventType("ping").entityIdPrefix("a");
            default -> { } // every event
        }
        if (random.nextBoolean()) {
            b.maxAge(Duration.ofSeconds(2 + random.nextInt(40)));
        }
        if (random.nextInt(3) > 0) {
            b.maxCount(1 + random.nextInt(6));
        } else {
            b.maxAge(Duration.ofSeconds(2 + random.nextInt(40)));
        }
        RetentionRule rule = b.build();
        store.retention().putRule(rule);
        rules.put(rule.name(), rule);
    }

    private void removeRule(Random random) {
        String name = "r" + random.nextInt(4);
        assertThat(store.retention().removeRule(name)).as(context).isEqualTo(rules.remove(name) != null);
    }

    /** @return events the store says it removed */
    private long scavenge() throws Exception {
        long[] bases = segmentBases();
        long sealedEnd = bases.length >= 3 ? bases[bases.length - 2] : 1; // positions below it may be rewritten
        for (Entry e : log) {
            if (e.position < sealedEnd && removable(e)) {
                removed.add(e.position);
            }
        }
        store.retention().startScavenge(random(bases.length));
        ScavengeStatus status = store.retention().awaitScavenge(Duration.ofMinutes(2));
        assertThat(status.state()).as(context + ": " + status).isEqualTo(ScavengeStatus.State.FINISHED);
        assertThat(status.segmentsTotal()).as(context).isEqualTo(Math.max(0, bases.length - 2));
        return status.eventsRemoved();
    }

    /** Some scavenges run throttled (still fast: the segments are small). */
    private static long random(int seed) {
        return seed % 3 == 0 ? 8L << 20 : 0;
    }

    private long[] segmentBases() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - 4))).sorted().toArray();
        }
    }

    // ---- the model's rules ----

    private boolean hiddenByTombstone(Entry e) {
        return log.stream().anyMatch(t -> t.tombstone && t.entity.equals(e.entity) && t.position > e.position);
    }

    private boolean expired(Entry e) {
        for (RetentionRule r : rules.values()) {
            if (!covers(r, e)) {
                continue;
            }
            if (r.maxAge().isPresent() && clock.nanos() - e.timestamp > r.maxAge().get().toNanos()) {
                return true;
            }
            if (r.maxCount().isPresent()) {
                long newer = log.stream().filter(o -> !o.tombstone && o.entity.equals(e.entity)
                        && o.position > e.position && covers(r, o)).count();
                if (newer >= r.maxCount().getAsLong()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean covers(RetentionRule r, Entry e) {
        return r.eventType().map(e.type::equals).orElse(true)
                && r.entityIdPrefix().map(e.entity::startsWith).orElse(true)
                && r.tenantId().map(e.tenant::equals).orElse(true);
    }

    private boolean removable(Entry e) {
        return !e.tombstone && !removed.contains(e.position) && (hiddenByTombstone(e) || expired(e));
    }

    /** What queries, get and state show. */
    private boolean visible(Entry e) {
        return !e.tombstone && !removed.contains(e.position) && !hiddenByTombstone(e) && !expired(e);
    }

    /** What a subscription delivers: the raw log without expired and removed events. */
    private boolean delivered(Entry e) {
        return e.tombstone || (!removed.contains(e.position) && !expired(e));
    }

    // ---- comparisons ----

    private void check(Random random, boolean full) throws Exception {
        for (Entry e : log) {
            if (e.tombstone) {
                continue;
            }
            Optional<StoredEvent> got = store.get(e.id);
            assertThat(got.isPresent()).as(context + ": get %s at %d", e.id, e.position).isEqualTo(visible(e));
            got.ifPresent(g -> assertThat(ModelJson.readObject(g.payload().toJson())).as(context).isEqualTo(e.payload));
        }
        assertThat(positions(Query.builder())).as(context + ": the whole log").isEqualTo(expected(e -> true));
        for (String type : TYPES) {
            assertThat(positions(Query.builder().eventType(type))).as(context + ": type " + type)
                    .isEqualTo(expected(e -> e.type.equals(type)));
        }
        for (String entity : ENTITIES) {
            assertThat(positions(Query.builder().entityId(entity))).as(context + ": entity " + entity)
                    .isEqualTo(expected(e -> e.entity.equals(entity)));
            checkState(entity);
        }
        if (full) {
            checkRawLog();
            checkSubscription();
        }
    }

    private List<Long> expected(java.util.function.Predicate<Entry> filter) {
        return log.stream().filter(this::visible).filter(filter).map(Entry::position).toList();
    }

    private List<Long> positions(Query.Builder query) {
        List<Long> out = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            Query.Builder q = query.limit(37);
            cursor.ifPresent(q::cursor);
            QueryPage page = store.query(q.build());
            page.events().forEach(e -> out.add(e.position()));
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        return out;
    }

    private void checkState(String entity) {
        List<Entry> live = new ArrayList<>();
        long version = 0;
        for (Entry e : log) {
            if (e.entity.equals(entity)) {
                version = e.tombstone ? 0 : version + 1;
                if (visible(e)) {
                    live.add(e);
                }
            }
        }
        assertThat(store.streamVersion(entity)).as(context + ": version of " + entity).isEqualTo(version);
        EntityState state;
        try {
            state = store.reconstruct(entity, null);
        } catch (EntityNotFoundException | EntityDeletedException none) {
            assertThat(live).as(context + ": " + entity + " has retained events but no state").isEmpty();
            return;
        }
        if (live.isEmpty()) {
            fail("%s: %s has no retained event but a state %s", context, entity, state);
        }
        Map<String, Object> folded = new LinkedHashMap<>();
        live.forEach(e -> folded.putAll(e.payload));
        assertThat(ModelJson.readObject(state.state().toJson())).as(context + ": state of " + entity).isEqualTo(folded);
        assertThat(state.eventCount()).as(context + ": events folded for " + entity).isEqualTo(live.size());
        assertThat(state.lastPosition()).as(context).isEqualTo(live.getLast().position);
    }

    private void checkRawLog() {
        List<StoredEvent> raw = StoreInternals.read(store, 1, log.size() + 1);
        Set<Long> present = new TreeSet<>();
        for (StoredEvent e : raw) {
            present.add(e.position());
            Entry m = log.get((int) e.position() - 1);
            if (!m.tombstone) {
                assertThat(e.id()).as(context + ": raw entry %d", e.position()).isEqualTo(m.id);
                assertThat(ModelJson.readObject(e.payload().toJson())).as(context).isEqualTo(m.payload);
            }
        }
        Set<Long> expected = new TreeSet<>();
        log.stream().filter(e -> !removed.contains(e.position)).forEach(e -> expected.add(e.position));
        assertThat(present).as(context + ": entries in the log (removed ones gone, the rest there)").isEqualTo(expected);
    }

    private void checkSubscription() throws InterruptedException {
        List<Long> got = new ArrayList<>();
        CountDownLatch live = new CountDownLatch(1);
        try (Subscription s = store.subscriptions().subscribe(StartPosition.at(1), SubscriptionFilter.ALL,
                new SubscriptionListener() {
                    @Override
                    public void onEvent(StoredEvent event) {
                        synchronized (got) {
                            got.add(event.position());
                        }
                    }

                    @Override
                    public void onLive(long position) {
                        live.countDown();
                    }
                })) {
            assertThat(live.await(60, TimeUnit.SECONDS)).as(context + ": subscription goes live").isTrue();
        }
        List<Long> expected = log.stream().filter(this::delivered).map(Entry::position).toList();
        synchronized (got) {
            assertThat(got).as(context + ": subscription catch-up").isEqualTo(expected);
        }
    }
}
