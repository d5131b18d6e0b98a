package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.record.Record;
import dev.peregrine.store.replay.ReplayProgress;
import dev.peregrine.store.replay.ReplayRequest;
import dev.peregrine.store.replay.ReplayStatus;
import dev.peregrine.store.replay.Replays;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewRow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays of views and projections: the rebuilt state equals a fresh one even when appends run
 * during the replay; reads see the live state until the swap; a cancel, a close or a crash leaves the
 * live state, and the history says what happened.
 */
class ReplayTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    static final String TOTALS = "{\"name\":\"%s\",\"event_types\":[\"order.placed\"],"
            + "\"group_by\":[{\"field\":\"customer\",\"as\":\"customer\"}],"
            + "\"aggregates\":[{\"fn\":\"count\",\"as\":\"orders\"},{\"fn\":\"sum\",\"field\":\"amount\",\"as\":\"total\"}]}";

    @TempDir
    Path dir;

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).followerCheckpointEvery(100).build();
    }

    /** Random orders of customers {@code <prefix>0..11} (each an entity), some of them tombstoned and re-created. */
    private static void appendRandom(EventStore store, Random random, int events, String prefix) {
        Set<String> live = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        List<NewEvent> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            String customer = prefix + random.nextInt(12);
            if (random.nextInt(50) == 0 && live.contains(customer)) {
                if (!batch.isEmpty()) {
                    store.append(batch);
                    batch.clear();
                }
                store.tombstone(customer);
                live.remove(customer);
                deleted.add(customer);
                continue;
            }
            String type = random.nextInt(4) == 0 ? "order.cancelled" : "order.placed";
            batch.add(Events.event(store, type, customer, "{\"customer\":\"" + customer + "\",\"amount\":"
                    + random.nextInt(1_000) + "}").expectedVersion(deleted.remove(customer) ? ExpectedVersion.noStream()
                    : ExpectedVersion.any()).build());
            live.add(customer);
            if (batch.size() == 16) {
                store.append(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.append(batch);
        }
    }

    private static Set<List<Object>> rows(View view) {
        Set<List<Object>> out = new HashSet<>();
        for (ViewRow row : view.read().rows()) {
            out.add(row.values());
        }
        return out;
    }

    @Test
    void viewReplayUnderConcurrentAppendsEndsEqualToAFreshView() throws Exception {
        long seed = Long.getLong("peregrine.seed", System.nanoTime());
        Random random = new Random(seed);
        try (EventStore store = EventStore.open(dir, options())) {
            View live = store.views().register(ViewDefinition.fromJson(TOTALS.formatted("totals")), BackfillListener.NONE);
            appendRandom(store, random, 3_000, "c");
            long seedForWriter = random.nextLong();
            Thread writer = Thread.ofPlatform().start(() -> appendRandom(store, new Random(seedForWriter), 3_000, "w"));
            ReplayProgress started = store.replays().start(ReplayRequest.view("totals"));
            assertThat(started.status()).isEqualTo(ReplayStatus.RUNNING);
            ReplayProgress done = store.replays().await(started.id(), LONG).orElseThrow();
            writer.join();
            assertThat(done.status()).as("seed %d: %s", seed, done).isEqualTo(ReplayStatus.COMPLETED);
            assertThat(done.swappedAtPosition()).isGreaterThanOrEqualTo(started.targetPosition());
            assertThat(done.processedEvents()).isGreaterThanOrEqualTo(started.totalEvents());

            long last = store.lastPosition();
            View fresh = store.views().register(ViewDefinition.fromJson(TOTALS.formatted("fresh")), BackfillListener.NONE);
            assertThat(live.awaitPosition(last, LONG)).isTrue();
            assertThat(fresh.awaitPosition(last, LONG)).isTrue();
            assertThat(rows(live)).as("seed %d", seed).isEqualTo(rows(fresh)).isNotEmpty();
        }
        // The swapped-in state was persisted: it is what the view resumes with.
        try (EventStore store = EventStore.open(dir, options())) {
            View live = store.views().get("totals").orElseThrow();
            View fresh = store.views().get("fresh").orElseThrow();
            assertThat(live.awaitPosition(store.lastPosition(), LONG)).isTrue();
            assertThat(fresh.awaitPosition(store.lastPosition(), LONG)).isTrue();
            assertThat(rows(live)).as("seed %d", seed).isEqualTo(rows(fresh));
            assertThat(store.replays().list()).extracting(ReplayProgress::status).containsExactly(ReplayStatus.COMPLETED);
        }
    }

    @Test
    void aReplayFromAPositionOrATimeHoldsOnlyTheEventsFromThere() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            View live = store.views().register(ViewDefinition.fromJson(TOTALS.formatted("totals")), BackfillListener.NONE);
            for (int i = 1; i <= 10; i++) {
                store.append(Events.event(store, "order.placed", "o-" + i, "{\"customer\":\"ann\",\"amount\":" + i + "}")
                        .build());
            }
            ReplayProgress fromSix = store.replays().start(ReplayRequest.view("totals").fromPosition(6));
            assertThat(store.replays().await(fromSix.id(), LONG).orElseThrow().status()).isEqualTo(ReplayStatus.COMPLETED);
            assertThat(live.read().rows()).singleElement().satisfies(row -> {
                assertThat(row.get("orders")).isEqualTo(5L);
                assertThat(((Number) row.get("total")).doubleValue()).isEqualTo(6 + 7 + 8 + 9 + 10);
            });

            StoredEvent ninth = store.query(Query.builder().fromPosition(9).limit(1).build()).events().getFirst();
            ReplayProgress fromTime = store.replays().start(ReplayRequest.view("totals").fromTime(ninth.timestamp()));
            assertThat(fromTime.fromPosition()).isEqualTo(9);
            assertThat(store.replays().await(fromTime.id(), LONG).orElseThrow().status()).isEqualTo(ReplayStatus.COMPLETED);
            assertThat(live.read().rows().getFirst().get("orders")).isEqualTo(2L);

            // Past the end: the empty state is swapped in at once, and later events go to it.
            ReplayProgress empty = store.replays().start(ReplayRequest.view("totals").fromPosition(100));
            assertThat(store.replays().get(empty.id()).orElseThrow().status()).isEqualTo(ReplayStatus.COMPLETED);
            assertThat(live.read().rows()).isEmpty();
        }
    }

    /** A projection counting events; its empty copies stop at their first event until the gate opens. */
    static final class Counting implements Projection {
        final AtomicLong count = new AtomicLong();
        final CountDownLatch gate;
        final CountDownLatch entered;
        final boolean gated;

        Counting(CountDownLatch gate, CountDownLatch entered, boolean gated) {
            this.gate = gate;
            this.entered = entered;
            this.gated = gated;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void apply(StoredEvent event) {
            if (gated) {
                entered.countDown();
                try {
                    if (!gate.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never opened the gate");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            count.incrementAndGet();
        }

        @Override
        public Optional<Record> state(String key) {
            return Optional.empty();
        }

        @Override
        public void reset() {
            count.set(0);
        }

        @Override
        public Optional<Projection> emptyCopy() {
            return Optional.of(new Counting(gate, entered, true));
        }
    }

    private static void appendOrders(EventStore store, int n) {
        for (int i = 0; i < n; i++) {
            store.append(Events.event(store, "order.placed", "p-" + i, "{\"amount\":1}").build());
        }
    }

    private static Counting counting(EventStore store) {
        return (Counting) store.projection("counting").orElseThrow();
    }

    @Test
    void readsDuringAProjectionReplaySeeTheLiveStateUntilTheSwap() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        try (EventStore store = EventStore.open(dir, options())) {
            Counting live = new Counting(gate, entered, false);
            store.registerProjection(live);
            appendOrders(store, 50);
            ReplayProgress started = store.replays().start(ReplayRequest.projection("counting"));
            assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue(); // the shadow holds its first event
            appendOrders(store, 5);
            store.awaitProjections(LONG);
            assertThat(counting(store)).isSameAs(live);
            assertThat(live.count.get()).isEqualTo(55);
            assertThat(store.replays().get(started.id()).orElseThrow().status()).isEqualTo(ReplayStatus.RUNNING);
            assertThatThrownBy(() -> store.replays().start(ReplayRequest.projection("counting")))
                    .isInstanceOf(StateConflictException.class).hasMessageContaining("running");
            assertThatThrownBy(() -> store.replays().delete(started.id())).isInstanceOf(StateConflictException.class);

            gate.countDown();
            ReplayProgress done = store.replays().await(started.id(), LONG).orElseThrow();
            assertThat(done.status()).isEqualTo(ReplayStatus.COMPLETED);
            appendOrders(store, 3);
            store.awaitProjections(LONG);
            assertThat(counting(store)).isNotSameAs(live);
            assertThat(counting(store).count.get()).isEqualTo(58); // nothing missed, nothing counted twice
            assertThat(store.replays().delete(started.id())).isTrue();
            assertThat(store.replays().list()).isEmpty();
        }
    }

    /** Waits, without a time limit of its own, until a replay has the status. */
    private static void awaitStatus(Replays replays, UUID id, ReplayStatus status) throws InterruptedException {
        while (replays.get(id).orElseThrow().status() != status) {
            Thread.sleep(1);
        }
    }

    @Test
    void cancelLeavesTheLiveStateServing() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        try (EventStore store = EventStore.open(dir, options())) {
            Counting live = new Counting(gate, entered, false);
            store.registerProjection(live);
            appendOrders(store, 20);
            Replays replays = store.replays();
            UUID id = replays.start(ReplayRequest.projection("counting")).id();
            assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();
            Thread canceller = Thread.ofPlatform().start(() -> replays.cancel(id));
            awaitStatus(replays, id, ReplayStatus.CANCELLED);
            gate.countDown(); // the shadow could now catch up; it must not be swapped in
            canceller.join();
            ReplayProgress cancelled = replays.get(id).orElseThrow();
            assertThat(cancelled.swappedAtPosition()).isZero();
            assertThat(cancelled.error()).contains("cancelled");
            assertThatThrownBy(() -> replays.cancel(id)).isInstanceOf(StateConflictException.class);
            appendOrders(store, 2);
            store.awaitProjections(LONG);
            assertThat(counting(store)).isSameAs(live);
            assertThat(live.count.get()).isEqualTo(22);
            assertThat(replays.cancel(UUID.randomUUID())).isEmpty();
        }
    }

    @Test
    void aReplayRunningAtCloseIsReportedCancelledAndOneACrashInterruptedFailed() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Path history = dir.resolve("replays.state");
        byte[] whileRunning;
        UUID id;
        EventStore store = EventStore.open(dir, options());
        store.registerProjection(new Counting(gate, entered, false));
        View totals = store.views().register(ViewDefinition.fromJson(TOTALS.formatted("totals")), BackfillListener.NONE);
        appendOrders(store, 30);
        Replays replays = store.replays();
        id = replays.start(ReplayRequest.projection("counting")).id();
        assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();
        whileRunning = Files.readAllBytes(history); // what a crash at this moment leaves
        Thread closer = Thread.ofPlatform().start(store::close);
        awaitStatus(replays, id, ReplayStatus.CANCELLED);
        gate.countDown();
        closer.join();

        try (EventStore reopened = EventStore.open(dir, options())) {
            ReplayProgress kept = reopened.replays().get(id).orElseThrow();
            assertThat(kept.status()).isEqualTo(ReplayStatus.CANCELLED);
            assertThat(kept.error().orElseThrow()).contains("closed");
            reopened.registerProjection(new Counting(new CountDownLatch(0), new CountDownLatch(1), false));
            reopened.awaitProjections(LONG);
            assertThat(counting(reopened).count.get()).isEqualTo(30);
            assertThat(reopened.views().get("totals").orElseThrow().read().rows().getFirst().get("orders"))
                    .isEqualTo(30L);
        }

        Files.write(history, whileRunning);
        try (EventStore reopened = EventStore.open(dir, options())) {
            ReplayProgress kept = reopened.replays().get(id).orElseThrow();
            assertThat(kept.status()).isEqualTo(ReplayStatus.FAILED);
            assertThat(kept.error().orElseThrow()).contains("without a clean close");
            assertThat(reopened.views().get("totals").orElseThrow().read().rows().getFirst().get("orders"))
                    .isEqualTo(30L);
            // A new replay starts afresh.
            ReplayProgress again = reopened.replays().start(ReplayRequest.view("totals"));
            assertThat(reopened.replays().await(again.id(), LONG).orElseThrow().status()).isEqualTo(ReplayStatus.COMPLETED);
        }
        assertThat(totals).isNotNull();
    }

    @Test
    void aReplayASigkillInterruptsIsReportedFailedAndTheStoreOpensConsistent() throws Exception {
        String command = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(command, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ReplayCrashMain.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        UUID id = null;
        long acked = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("REPLAYING ")) {
                    id = UUID.fromString(line.substring("REPLAYING ".length()));
                } else if (line.startsWith("ACK ") && (acked = Long.parseLong(line.substring(4))) >= 300) {
                    break; // the replay is running and a hundred events were appended since it started
                }
            }
            child.destroyForcibly(); // SIGKILL: no close, no last checkpoint, no history update
            child.waitFor();
        }
        assertThat(id).as("the child started a replay").isNotNull();
        assertThat(acked).isGreaterThanOrEqualTo(300);
        try (EventStore store = EventStore.open(dir, options())) {
            ReplayProgress kept = store.replays().get(id).orElseThrow();
            assertThat(kept.status()).isEqualTo(ReplayStatus.FAILED);
            assertThat(kept.error().orElseThrow()).contains("without a clean close");
            assertThat(kept.swappedAtPosition()).isZero();
            long last = store.lastPosition();
            assertThat(last).isGreaterThanOrEqualTo(acked);
            store.registerProjection(new Counting(new CountDownLatch(0), new CountDownLatch(1), false));
            store.awaitProjections(LONG);
            assertThat(counting(store).count.get()).isEqualTo(last);
            View totals = store.views().get("totals").orElseThrow();
            assertThat(totals.awaitPosition(last, LONG)).isTrue();
            View fresh = store.views().register(ViewDefinition.fromJson(TOTALS.formatted("fresh")), BackfillListener.NONE);
            assertThat(rows(totals)).isEqualTo(rows(fresh));
            // The history is rewritten: a second open reports the same, once.
            assertThat(store.replays().list()).extracting(ReplayProgress::status).containsExactly(ReplayStatus.FAILED);
        }
    }

    @Test
    void aDamagedHistoryIsDroppedAndTheStoreStillOpens() throws Exception {
        long seed = Long.getLong("peregrine.seed", System.nanoTime());
        Random random = new Random(seed);
        try (EventStore store = EventStore.open(dir, options())) {
            store.views().register(ViewDefinition.fromJson(TOTALS.formatted("totals")), BackfillListener.NONE);
            appendOrders(store, 10);
            for (int i = 0; i < 3; i++) {
                UUID id = store.replays().start(ReplayRequest.view("totals")).id();
                store.replays().await(id, LONG);
            }
        }
        Path history = dir.resolve("replays.state");
        byte[] good = Files.readAllBytes(history);
        for (int round = 0; round < 12; round++) {
            byte[] bad = good.clone();
            if (round == 0) {
                bad = java.util.Arrays.copyOf(good, random.nextInt(good.length));
            } else {
                bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
            }
            Files.write(history, bad);
            try (EventStore store = EventStore.open(dir, options())) {
                assertThat(store.replays().list()).as("seed %d, round %d", seed, round).isEmpty();
                ReplayProgress again = store.replays().start(ReplayRequest.view("totals"));
                assertThat(store.replays().await(again.id(), LONG).orElseThrow().status()).isEqualTo(ReplayStatus.COMPLETED);
                assertThat(store.views().get("totals").orElseThrow().read().rows().getFirst().get("orders")).isEqualTo(10L);
            }
        }
    }

    @Test
    void unknownTargetsAndProjectionsWithoutAnEmptyCopyAreRefused() {
        try (EventStore store = EventStore.open(dir, options())) {
            assertThatThrownBy(() -> store.replays().start(ReplayRequest.view("nope")))
                    .isInstanceOf(dev.peregrine.store.view.ViewNotFoundException.class);
            assertThatThrownBy(() -> store.replays().start(ReplayRequest.projection("nope")))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("nope");
            store.registerProjection(new Projection() {
                @Override
                public String name() {
                    return "plain";
                }

                @Override
                public void apply(StoredEvent event) {
                }

                @Override
                public Optional<Record> state(String key) {
                    return Optional.empty();
                }

                @Override
                public void reset() {
                }
            });
            assertThatThrownBy(() -> store.replays().start(ReplayRequest.projection("plain")))
                    .isInstanceOf(StateConflictException.class).hasMessageContaining("emptyCopy");
            assertThat(store.replays().list()).isEmpty();
        }
    }

    @Test
    void builtInProjectionsReplayToTheSameState() throws Exception {
        long seed = Long.getLong("peregrine.seed", System.nanoTime());
        try (EventStore store = EventStore.open(dir, options())) {
            appendRandom(store, new Random(seed), 1_000, "c");
            store.awaitProjections(LONG);
            List<String> before = builtInStates(store);
            for (String projection : List.of("event_counters", "entity_snapshots")) {
                ReplayProgress p = store.replays().start(ReplayRequest.projection(projection));
                assertThat(store.replays().await(p.id(), LONG).orElseThrow().status()).isEqualTo(ReplayStatus.COMPLETED);
            }
            store.awaitProjections(LONG);
            assertThat(builtInStates(store)).as("seed %d", seed).isEqualTo(before);
        }
    }

    private static List<String> builtInStates(EventStore store) {
        List<String> out = new ArrayList<>();
        for (String type : List.of("order.placed", "order.cancelled")) {
            out.add(store.projection("event_counters").orElseThrow().state(type).map(Record::toJson).orElse("-"));
        }
        for (int c = 0; c < 12; c++) {
            out.add(store.projection("entity_snapshots").orElseThrow().state("c" + c).map(Record::toJson).orElse("-"));
        }
        return out;
    }
}
