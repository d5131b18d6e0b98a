package dev.peregrine.store.view.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Views keep a bounded state (current rows and a few checkpoints, no trace of events) and still answer
 * exactly: a model-based run on a real store compares every view, now and as of a random past
 * position, with a recompute from the log after every step and across restarts; and a million events
 * into a few groups leave the view's memory and state file the size of those groups.
 */
class BoundedViewStateTest {

    private static final long SEED = 0xB0DE_0014L;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).build();
    }

    @Test
    void viewsEqualARecomputeNowAndAsOfAfterEveryStepAcrossRestarts() throws Exception {
        for (int round = 0; round < 2; round++) {
            long seed = SEED + round;
            try {
                modelRound(seed, dir.resolve("r" + round));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed with seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private void modelRound(long seed, Path storeDir) throws Exception {
        Random rnd = new Random(seed);
        RandomViews gen = new RandomViews(rnd);
        List<ViewDefinition> defs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            defs.add(gen.definition("v" + i));
        }
        int steps = 0;
        for (int life = 0; life < 4; life++) { // each life ends with a close: the next one resumes from the files
            try (EventStore store = EventStore.open(storeDir, options())) {
                if (life == 0) {
                    for (ViewDefinition d : defs) {
                        store.views().register(d, BackfillListener.NONE);
                    }
                }
                assertThat(store.views().list()).hasSize(defs.size());
                StoreWorkload work = new StoreWorkload(store, rnd);
                check(store, defs, rnd, steps);
                for (int i = 0; i < 70; i++, steps++) {
                    work.step();
                    check(store, defs, rnd, steps);
                }
            }
        }
    }

    private static void check(EventStore store, List<ViewDefinition> defs, Random rnd, int step) throws Exception {
        long last = store.lastPosition();
        List<ViewOracle.Entry> log = StoreLog.read(store);
        for (ViewDefinition d : defs) {
            View v = store.views().get(d.name()).orElseThrow();
            assertThat(v.awaitPosition(last, WAIT)).as("view %s reached %d", d.name(), last).isTrue();
            assertThat(v.read().rows()).as("step %d: view %s at %d", step, d, last)
                    .isEqualTo(ViewOracle.recompute(d, log, last));
            long at = rnd.nextLong(last + 1);
            assertThat(v.readAsOf(at).rows()).as("step %d: view %s as of %d (log at %d)", step, d, at, last)
                    .isEqualTo(ViewOracle.recompute(d, log, at));
        }
    }

    /**
     * One million events over 1,000 entities into 4 groups, with a tombstone now and then (whose
     * retraction reads about a thousand events back). The design this replaced kept one contribution
     * per accepted event, at least 22 bytes each in the state file: 1,000,000 entries and over 22 MB.
     */
    @Test
    void aMillionEventsIntoFourGroupsKeepAStateTheSizeOfTheGroups() throws Exception {
        final int events = 1_000_000;
        final int groups = 4;
        final int entities = 1_000;
        ViewDefinition d = ViewDefinition.fromJson("""
                {"name": "by_group", "event_types": ["tick"], "group_by": ["g"],
                 "aggregates": [{"fn": "count", "as": "n"}, {"fn": "sum", "field": "a", "as": "total"},
                                {"fn": "max", "field": "a", "as": "top"}]}""");
        Random rnd = new Random(SEED);
        // The model: per entity, the (group, amount) of its events since its last tombstone.
        Map<String, List<long[]>> live = new HashMap<>();
        long[] asOfPositions = rnd.longs(6, 1, events).sorted().toArray();
        Map<Long, List<Object>> expectedAsOf = new TreeMap<>();
        Path state = dir.resolve("views").resolve("by_group.view");
        long position = 0;
        try (EventStore store = EventStore.open(dir, options())) {
            View view = store.views().register(d, BackfillListener.NONE);
            List<NewEvent> batch = new ArrayList<>();
            Set<String> deleted = new HashSet<>();
            int next = 0;
            for (int i = 1; i <= events; i++) {
                String entity = "e" + rnd.nextInt(entities);
                long g = rnd.nextInt(groups);
                long a = rnd.nextInt(100);
                NewEvent.Builder b = NewEvent.builder().eventType("tick").entityId(entity)
                        .payload(RecordBuilder.create(store.dictionary()).withFields(Map.of("g", g, "a", a)).build());
                if (deleted.remove(entity)) {
                    b.expectedVersion(ExpectedVersion.noStream()); // re-creates the tombstoned stream
                }
                batch.add(b.build());
                live.computeIfAbsent(entity, k -> new ArrayList<>()).add(new long[] {g, a});
                position++;
                if (next < asOfPositions.length && position >= asOfPositions[next]) {
                    append(store, batch);
                    expectedAsOf.put(position, summary(live, groups));
                    next++;
                }
                if (batch.size() == 1_000) {
                    append(store, batch);
                }
                if (i % 100_000 == 0) {
                    append(store, batch);
                    String victim = "e" + rnd.nextInt(entities);
                    position = store.tombstone(victim);
                    live.remove(victim);
                    deleted.add(victim);
                }
            }
            append(store, batch);
            assertThat(view.awaitPosition(store.lastPosition(), WAIT)).isTrue();
            assertThat(summary(view.read().rows())).isEqualTo(summary(live, groups));
            MaintainedView engine = ((ViewHandle) view).engine();
            long bound = (long) (TableCheckpoints.DEFAULT_CAPACITY + 1) * groups;
            assertThat(engine.retainedEntries()).as("groups held: the rows and every checkpoint's")
                    .isLessThanOrEqualTo(bound);
            for (Map.Entry<Long, List<Object>> e : expectedAsOf.entrySet()) {
                assertThat(summary(view.readAsOf(e.getKey()).rows())).as("as of %d", e.getKey()).isEqualTo(e.getValue());
            }
        }
        long bytes = Files.size(state);
        System.out.printf("by_group: %,d events into %d groups, state file %,d bytes%n", events, groups, bytes);
        // 33 tables of 4 groups, each with a max over at most 100 distinct values: about 250 KB at most
        assertThat(bytes).as("state file bytes, for %d events", events).isLessThan(1 << 20);
        try (EventStore store = EventStore.open(dir, options())) {
            View view = store.views().get("by_group").orElseThrow();
            assertThat(summary(view.read().rows())).as("resumed from the state file").isEqualTo(summary(live, groups));
            for (Map.Entry<Long, List<Object>> e : expectedAsOf.entrySet()) {
                assertThat(summary(view.readAsOf(e.getKey()).rows())).as("as of %d after a restart", e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
    }

    private static void append(EventStore store, List<NewEvent> batch) {
        if (!batch.isEmpty()) {
            store.append(batch);
            batch.clear();
        }
    }

    /** A state file of version 2 (every contribution, the previous release) is not read: the view is rebuilt. */
    @Test
    void aVersionTwoStateFileIsRebuiltFromTheLog() throws Exception {
        ViewDefinition d = ViewDefinition.fromJson("""
                {"name": "by_word", "group_by": ["s"], "aggregates": [{"fn": "count", "as": "n"}]}""");
        long last;
        try (EventStore store = EventStore.open(dir, options())) {
            store.views().register(d, BackfillListener.NONE);
            StoreWorkload work = new StoreWorkload(store, new Random(SEED));
            for (int i = 0; i < 40; i++) {
                work.step();
            }
            last = store.lastPosition();
        }
        // Version 2's body: checkpoint, contribution count, definition, contributions; here an empty
        // view at the log's end, which a reader of version 2 would resume from as it is.
        byte[] json = d.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path state = dir.resolve("views").resolve("by_word.view");
        dev.peregrine.store.framing.AtomicFile.write(state, dev.peregrine.store.framing.FileFormat.of("view-state", 2, "PVWS"),
                out -> {
                    out.putLong(last);
                    out.putLong(0);
                    out.putBlob(json);
                });
        try (EventStore store = EventStore.open(dir, options())) {
            View v = store.views().get("by_word").orElseThrow();
            assertThat(v.awaitPosition(last, WAIT)).isTrue();
            List<ViewRow> expected = ViewOracle.recompute(d, StoreLog.read(store), last);
            assertThat(expected).isNotEmpty();
            assertThat(v.read().rows()).isEqualTo(expected);
        }
        try (EventStore store = EventStore.open(dir, options())) {
            assertThat(store.views().get("by_word").orElseThrow().read().rows()).as("written as version 3 and resumed")
                    .isEqualTo(ViewOracle.recompute(d, StoreLog.read(store), last));
        }
    }

    /**
     * A tombstone's retraction reads the entity's events back from the log, so the ones a scavenge
     * removed stay counted in a view that was running (retention is not a retraction); a view built
     * after the scavenge never counted them. Both agree on the retained events.
     */
    @Test
    void aTombstoneAfterAScavengeRetractsWhatTheLogStillHolds() throws Exception {
        ViewDefinition d = ViewDefinition.fromJson("""
                {"name": "per_entity", "group_by": [{"field": "$entity_id", "as": "entity"}],
                 "aggregates": [{"fn": "count", "as": "n"}]}""");
        StoreOptions small = StoreOptions.builder().durability(Durability.none()).segmentBytes(64 * 1024).build();
        String pad = "q".repeat(400);
        try (EventStore store = EventStore.open(dir, small)) {
            View running = store.views().register(d, BackfillListener.NONE);
            for (String entity : List.of("sensor-1", "other")) {
                for (int i = 0; i < 300; i++) {
                    store.append(NewEvent.builder().eventType("reading").entityId(entity)
                            .payload(RecordBuilder.create(store.dictionary()).withFields(Map.of("i", (long) i, "pad", pad))
                                    .build()).build());
                }
            }
            store.retention().putRule(dev.peregrine.store.retention.RetentionRule.builder("keep-one")
                    .entityIdPrefix("sensor-").maxCount(1).build());
            store.retention().startScavenge(0);
            assertThat(store.retention().awaitScavenge(Duration.ofMinutes(1)).state())
                    .isEqualTo(dev.peregrine.store.retention.ScavengeStatus.State.FINISHED);
            long kept = StoreLog.read(store).stream().filter(e -> e.entity().equals("sensor-1")).count();
            assertThat(kept).as("the scavenge removed most of sensor-1").isLessThan(300);
            long at = store.tombstone("sensor-1");
            assertThat(running.awaitPosition(at, WAIT)).isTrue();
            assertThat(count(running, "sensor-1")).as("removed events stay counted").isEqualTo(300 - kept);
            assertThat(count(running, "other")).isEqualTo(300);
            store.views().rebuild("per_entity", BackfillListener.NONE);
            assertThat(count(running, "sensor-1")).as("a rebuilt view never counted them").isZero();
            assertThat(running.read().rows()).isEqualTo(ViewOracle.recompute(d, StoreLog.read(store), at));
        }
    }

    private static long count(View v, String entity) {
        return v.read().rows().stream().filter(r -> entity.equals(r.get("entity"))).mapToLong(r -> (Long) r.get("n"))
                .sum();
    }

    /** @return per group, in key order: key, count, sum and max of the live events (the view's columns) */
    private static List<Object> summary(Map<String, List<long[]>> live, int groups) {
        long[] n = new long[groups];
        long[] total = new long[groups];
        long[] top = new long[groups];
        for (List<long[]> events : live.values()) {
            for (long[] e : events) {
                int g = (int) e[0];
                n[g]++;
                total[g] += e[1];
                top[g] = Math.max(top[g], e[1]);
            }
        }
        List<Object> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            if (n[g] > 0) {
                out.add(List.of((long) g, n[g], total[g], top[g]));
            }
        }
        return out;
    }

    private static List<Object> summary(List<ViewRow> rows) {
        List<Object> out = new ArrayList<>();
        for (ViewRow r : rows) {
            out.add(List.of(r.get("g"), r.get("n"), r.get("total"), r.get("top")));
        }
        return out;
    }
}
