package dev.peregrine.store.view.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewChange;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewDelta;
import dev.peregrine.store.view.ViewFollower;
import dev.peregrine.store.view.ViewNotFoundException;
import dev.peregrine.store.view.ViewRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Views on a real store: random appends and tombstones, views registered before and during the
 * stream (backfill), a close-and-reopen in the middle, and a damaged state file; every view always
 * equals a full recompute from the store's own log.
 */
class ViewStoreTest {

    private static final long SEED = 0xB1E5_0001L;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).build();
    }

    @Test
    void viewsEqualARecomputeAcrossBackfillRestartAndRebuild() throws Exception {
        for (int round = 0; round < 4; round++) {
            long seed = SEED + round;
            try {
                runRound(seed, dir.resolve("r" + round));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed with seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private void runRound(long seed, Path storeDir) throws Exception {
        Random rnd = new Random(seed);
        RandomViews gen = new RandomViews(rnd);
        List<ViewDefinition> defs = new ArrayList<>();
        EventStore store = EventStore.open(storeDir, options());
        try {
            StoreWorkload work = new StoreWorkload(store, rnd);
            for (int i = 0; i < 4; i++) {
                defs.add(gen.definition("early" + i));
                store.views().register(defs.getLast(), BackfillListener.NONE);
            }
            for (int i = 0; i < 60; i++) {
                work.step();
            }
            // Registered on a store with history: backfilled, with progress.
            List<long[]> progress = Collections.synchronizedList(new ArrayList<>());
            defs.add(gen.definition("late"));
            View late = store.views().register(defs.getLast(), (name, at, target) -> progress.add(new long[] {at, target}));
            assertThat(progress).isNotEmpty();
            assertThat(progress.getLast()[0]).isEqualTo(progress.getLast()[1]);
            assertThat(late.position()).isGreaterThanOrEqualTo(progress.getLast()[1]);
            for (int i = 0; i < 60; i++) {
                work.step();
            }
            checkAll(store, defs);
        } finally {
            store.close();
        }
        // Restart: views resume from their state files, then catch up with new events.
        store = EventStore.open(storeDir, options());
        try {
            StoreWorkload work = new StoreWorkload(store, rnd);
            assertThat(store.views().list()).hasSize(defs.size());
            checkAll(store, defs);
            for (int i = 0; i < 60; i++) {
                work.step();
            }
            checkAll(store, defs);
            store.views().rebuild(defs.getFirst().name(), BackfillListener.NONE);
            checkAll(store, defs);
        } finally {
            store.close();
        }
    }

    private static void checkAll(EventStore store, List<ViewDefinition> defs) throws InterruptedException {
        long last = store.lastPosition();
        List<ViewOracle.Entry> log = StoreLog.read(store);
        for (ViewDefinition d : defs) {
            View v = store.views().get(d.name()).orElseThrow();
            assertThat(v.awaitPosition(last, WAIT)).as("view %s reached %d", d.name(), last).isTrue();
            assertThat(v.read().rows()).as("view %s at %d", d, last).isEqualTo(ViewOracle.recompute(d, log, last));
            long past = last / 2;
            assertThat(v.readAsOf(past).rows()).as("view %s as of %d", d, past)
                    .isEqualTo(ViewOracle.recompute(d, log, past));
        }
    }

    @Test
    void aDamagedStateFileIsRebuiltFromTheLog() throws Exception {
        Random rnd = new Random(SEED);
        ViewDefinition d = ViewDefinition.fromJson("""
                {"name": "by_word", "group_by": ["s"], "aggregates": [{"fn": "count", "as": "n"},
                 {"fn": "max", "field": "a", "as": "top"}]}""");
        try (EventStore store = EventStore.open(dir, options())) {
            store.views().register(d, BackfillListener.NONE);
            StoreWorkload work = new StoreWorkload(store, rnd);
            for (int i = 0; i < 50; i++) {
                work.step();
            }
        }
        Path state = dir.resolve("views").resolve("by_word.view");
        byte[] bytes = Files.readAllBytes(state);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(state, bytes);
        try (EventStore store = EventStore.open(dir, options())) {
            View v = store.views().get("by_word").orElseThrow();
            long last = store.lastPosition();
            assertThat(v.awaitPosition(last, WAIT)).isTrue();
            assertThat(v.read().rows()).isEqualTo(ViewOracle.recompute(d, StoreLog.read(store), last));
        }
    }

    @Test
    void followersSeeTheSnapshotThenEveryDelta() throws Exception {
        ViewDefinition d = ViewDefinition.fromJson("""
                {"name": "paid", "event_types": ["order.paid"], "select": [{"field": "a", "as": "amount"}]}""");
        try (EventStore store = EventStore.open(dir, options())) {
            StoreWorkload work = new StoreWorkload(store, new Random(SEED));
            for (int i = 0; i < 20; i++) {
                work.step();
            }
            View v = store.views().register(d, BackfillListener.NONE);
            List<ViewDelta> deltas = Collections.synchronizedList(new ArrayList<>());
            List<ViewRow> replica = new ArrayList<>();
            try (ViewFollower f = v.follow(deltas::add)) {
                replica.addAll(f.snapshot().rows());
                long from = f.snapshot().position();
                for (int i = 0; i < 40; i++) {
                    work.step();
                }
                assertThat(v.awaitPosition(store.lastPosition(), WAIT)).isTrue();
                long previous = from;
                for (ViewDelta delta : List.copyOf(deltas)) {
                    assertThat(delta.position()).isGreaterThan(previous);
                    previous = delta.position();
                    for (ViewChange c : delta.changes()) {
                        if (c.before() != null) {
                            assertThat(replica.remove(c.before())).isTrue();
                        }
                        if (c.after() != null) {
                            replica.add(c.after());
                        }
                    }
                }
            }
            replica.sort((a, b) -> Long.compare(a.position(), b.position()));
            assertThat(replica).isEqualTo(v.read().rows());
        }
    }

    @Test
    void registrationRulesAndDrop() throws Exception {
        ViewDefinition d = ViewDefinition.fromJson("{\"name\": \"v\"}");
        try (EventStore store = EventStore.open(dir, options())) {
            View v = store.views().register(d, BackfillListener.NONE);
            assertThat(store.views().register(d, BackfillListener.NONE)).isSameAs(v);
            assertThatThrownBy(() -> store.views().register(
                    ViewDefinition.fromJson("{\"name\": \"v\", \"event_types\": [\"x\"]}"), BackfillListener.NONE))
                    .isInstanceOf(StateConflictException.class).hasMessageContaining("a different view named 'v'");
            assertThat(store.views().drop("v")).isTrue();
            assertThat(store.views().drop("v")).isFalse();
            assertThat(Files.exists(dir.resolve("views").resolve("v.json"))).isFalse();
            assertThatThrownBy(() -> store.views().rebuild("v", BackfillListener.NONE))
                    .isInstanceOf(ViewNotFoundException.class);
        }
        try (EventStore store = EventStore.open(dir, options())) {
            assertThat(store.views().get("v")).isEmpty();
        }
    }
}
