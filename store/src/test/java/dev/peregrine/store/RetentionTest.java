package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.backup.BackupProgress;
import dev.peregrine.store.framing.DamageChecks;
import dev.peregrine.store.log.SegmentHeaderDescriptor;
import dev.peregrine.store.retention.RetentionRule;
import dev.peregrine.store.retention.ScavengeStatus;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention rules and the scavenge: the API, the files, and what each reader sees around a rewrite. */
class RetentionTest {

    private static final String PAD = "q".repeat(400);

    @TempDir
    Path dir;

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(64 * 1024).build();
    }

    /** Appends {@code n} events to entity {@code entity} (type {@code type}); returns their ids. */
    private static List<UUID> fill(EventStore store, String entity, String type, int n) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            store.append(NewEvent.builder().eventId(id).entityId(entity).eventType(type)
                    .payload(JsonCodec.defaults().parse(store.dictionary(), "{\"i\":" + i + ",\"pad\":\"" + PAD + "\"}"))
                    .build());
            ids.add(id);
        }
        return ids;
    }

    private static ScavengeStatus scavenge(EventStore store) throws Exception {
        store.retention().startScavenge(0);
        ScavengeStatus s = store.retention().awaitScavenge(Duration.ofMinutes(1));
        assertThat(s.state()).as(s.toString()).isEqualTo(ScavengeStatus.State.FINISHED);
        return s;
    }

    @Test
    void badRulesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> RetentionRule.builder("no limit").maxCount(1).build())
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("name"));
        assertThatThrownBy(() -> RetentionRule.builder("r").eventType("x").build())
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("max_age"));
        assertThatThrownBy(() -> RetentionRule.builder("r").maxCount(0))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("max_count"));
        assertThatThrownBy(() -> RetentionRule.builder("r").maxAge(Duration.ZERO).build())
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> RetentionRule.builder("r").entityIdPrefix("a\u0001").maxCount(1).build())
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.field()).isEqualTo("entity_id_prefix"));
    }

    @Test
    void rulesAreDurableAndADamagedRulesFileIsRefused() throws Exception {
        RetentionRule a = RetentionRule.builder("a").eventType("t").tenantId("acme").maxAge(Duration.ofHours(5)).build();
        RetentionRule b = RetentionRule.builder("b").entityIdPrefix("s-").maxCount(7).maxAge(Duration.ofDays(2)).build();
        try (EventStore store = EventStore.open(dir, options())) {
            store.retention().putRule(b);
            store.retention().putRule(a);
            store.retention().putRule(RetentionRule.builder("c").maxCount(1).build());
            assertThat(store.retention().removeRule("c")).isTrue();
            assertThat(store.retention().removeRule("c")).isFalse();
        }
        try (EventStore store = EventStore.open(dir, options())) {
            assertThat(store.retention().rules()).containsExactly(a, b);
        }
        Path file = dir.resolve("retention").resolve("retention.rules");
        // Lucene-style: cuts at and around every frame boundary and at random lengths, and bit flips;
        // each fails the open with a CorruptFileException naming the file and an offset in it.
        DamageChecks.truncationsAndFlipsAreDetected(file, DamageChecks.wholeFileBoundaries(file),
                () -> EventStore.open(dir, options()).close(), 0x5CA7L, 20, 40);
        try (EventStore store = EventStore.open(dir, options())) {
            assertThat(store.retention().rules()).containsExactly(a, b);
        }
    }

    @Test
    void aRewrittenSegmentKeepsPositionsIdsAndVersionsAndIsSmaller() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            List<UUID> old = fill(store, "sensor-1", "reading", 300);
            fill(store, "other", "reading", 200);
            Path first = dir.resolve("log").resolve(SegmentHeaderDescriptor.fileName(1));
            long before = Files.size(first);
            store.retention().putRule(RetentionRule.builder("last-10").entityIdPrefix("sensor-").maxCount(10).build());
            assertThat(store.get(old.getFirst())).isEmpty(); // at once, before any scavenge
            assertThat(store.reconstruct("sensor-1", null).eventCount()).isEqualTo(10);
            ScavengeStatus s = scavenge(store);
            assertThat(s.eventsRemoved()).isPositive();
            assertThat(s.bytesReclaimed()).isPositive();
            assertThat(Files.size(first)).isLessThan(before);
            assertThat(headerVersion(first)).isEqualTo(SegmentHeaderDescriptor.REWRITTEN_VERSION);
            assertThat(store.streamVersion("sensor-1")).isEqualTo(300);
            // a retried append of a removed event is the idempotent repeat of the original
            AppendResult again = store.append(NewEvent.builder().eventId(old.getFirst()).entityId("sensor-1")
                    .eventType("reading").payload(JsonCodec.defaults().parse(store.dictionary(), "{}")).build());
            assertThat(again.position()).isEqualTo(1);
            assertThat(store.lastPosition()).isEqualTo(500);
            // the removed events do not come back when the rule goes
            assertThat(store.retention().removeRule("last-10")).isTrue();
            assertThat(store.get(old.getFirst())).isEmpty();
            assertThat(store.get(old.getLast())).isPresent();
        }
        try (EventStore store = EventStore.open(dir, options())) {
            assertThat(store.diagnostics().recovery().actions()).isEmpty();
            assertThat(store.streamVersion("sensor-1")).isEqualTo(300);
            assertThat(store.get(UUID.randomUUID())).isEmpty();
            assertThat(StoreInternals.read(store, 1, 1000)).hasSizeLessThan(500)
                    .allSatisfy(e -> assertThat(e.payload().toJson()).contains(PAD));
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void viewsKeepWhatTheyCountedAndFollowersPassTheGaps() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            View view = store.views().register(ViewDefinition.fromJson("""
                    {"name": "per_entity", "event_types": ["reading"],
                     "group_by": [{"field": "$entity_id", "as": "entity"}],
                     "aggregates": [{"fn": "count", "as": "n"}]}"""), BackfillListener.NONE);
            fill(store, "sensor-1", "reading", 400);
            fill(store, "other", "reading", 200);
            assertThat(view.awaitPosition(store.lastPosition(), Duration.ofSeconds(30))).isTrue();
            List<Object> before = view.read().rows().stream().map(r -> r.get("n")).toList();
            store.retention().putRule(RetentionRule.builder("tiny").entityIdPrefix("sensor-").maxCount(1).build());
            scavenge(store);
            fill(store, "other", "reading", 1);
            assertThat(view.awaitPosition(store.lastPosition(), Duration.ofSeconds(30))).isTrue();
            List<Object> after = view.read().rows().stream().map(r -> r.get("n")).toList();
            assertThat(after).as("retention is not a retraction for a view").hasSameSizeAs(before).contains(400L);
            // a projection that starts after the scavenge passes the removed positions without stalling
            Counter counter = new Counter();
            store.registerProjection(counter);
            store.awaitProjections(Duration.ofSeconds(30));
            assertThat(store.projectionPosition(counter.name())).isEqualTo(store.lastPosition());
            assertThat(counter.applied).as("every event the log still holds").isEqualTo(StoreInternals.read(store, 1, 2000).size());
        }
    }

    @Test
    void aStoppedScavengeLeavesEverySegmentWhole() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            List<UUID> kept = fill(store, "k", "keep", 300);
            fill(store, "temp", "temp", 900);
            fill(store, "k2", "keep", 300);
            store.retention().putRule(RetentionRule.builder("temp").eventType("temp").maxAge(Duration.ofMillis(1)).build());
            Thread.sleep(5);
            ScavengeStatus started = store.retention().startScavenge(64 << 10); // 64 KiB/s: a segment a second
            assertThat(started.state().active()).isTrue();
            assertThat(store.retention().startScavenge(0).startedAt()).as("one run at a time").isEqualTo(started.startedAt());
            Thread.sleep(300);
            store.retention().stopScavenge();
            ScavengeStatus stopped = store.retention().awaitScavenge(Duration.ofSeconds(30));
            assertThat(stopped.state()).as(stopped.toString()).isEqualTo(ScavengeStatus.State.STOPPED);
            assertThat(stopped.segmentsDone()).isLessThan(stopped.segmentsTotal());
            assertThat(leftovers()).isEmpty();
            kept.forEach(id -> assertThat(store.get(id)).isPresent());
        }
    }

    @Test
    void aRuleRelaxedDuringAScavengeIsObeyed() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            List<UUID> ids = fill(store, "c", "count", 900);
            fill(store, "k", "keep", 300);
            store.retention().putRule(RetentionRule.builder("c").entityIdPrefix("c").maxCount(1).build());
            // 16 KiB/s: the first copy (about 14 KiB of removed entries) takes most of a second, so the
            // rule changes while it is being written, and the copy must be discarded, not installed
            store.retention().startScavenge(16 << 10);
            Thread.sleep(250);
            store.retention().putRule(RetentionRule.builder("c").entityIdPrefix("c").maxCount(5000).build());
            ScavengeStatus s = store.retention().awaitScavenge(Duration.ofMinutes(1));
            assertThat(s.state()).as(s.toString()).isEqualTo(ScavengeStatus.State.FINISHED);
            assertThat(s.eventsRemoved()).as(s.toString()).isZero();
            ids.forEach(id -> assertThat(store.get(id)).isPresent());
        }
    }

    @Test
    void backupAndScavengeTogetherRestoreEveryRetainedEvent() throws Exception {
        Path backup = dir.resolveSibling(dir.getFileName() + "-backup");
        List<UUID> kept;
        try (EventStore store = EventStore.open(dir, options())) {
            kept = fill(store, "k", "keep", 200);
            fill(store, "d", "gone", 600);
            store.tombstone("d");
            fill(store, "k3", "keep", 200);
            store.backup(backup, BackupProgress.NONE); // before: the segments as written
            store.retention().putRule(RetentionRule.builder("gone").eventType("gone").maxCount(1).build());
            store.retention().startScavenge(256 << 10);
            for (int i = 0; i < 3; i++) {
                store.backup(backup, BackupProgress.NONE); // while the scavenge renames segments
            }
            store.retention().awaitScavenge(Duration.ofMinutes(1));
            store.backup(backup, BackupProgress.NONE);
        }
        Path restored = dir.resolveSibling(dir.getFileName() + "-restored");
        EventStore.restore(backup, restored, BackupProgress.NONE);
        try (EventStore store = EventStore.open(restored, options())) {
            kept.forEach(id -> assertThat(store.get(id)).isPresent());
            assertThat(store.retention().rules()).extracting(RetentionRule::name).containsExactly("gone");
            assertThat(store.lastPosition()).isEqualTo(1001);
            assertThat(store.streamVersion("d")).isZero();
        }
    }

    @Test
    void readersRunningThroughRewritesAlwaysSeeWholeEvents() throws Exception {
        long seed = System.nanoTime() % 100_000;
        Random random = new Random(seed);
        try (EventStore store = EventStore.open(dir, options())) {
            List<UUID> kept = fill(store, "k", "keep", 300);
            for (int i = 0; i < 6; i++) {
                fill(store, "c-" + random.nextInt(3), "count", 150);
            }
            fill(store, "k", "keep", 200);
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    while (!done.get()) {
                        for (StoredEvent e : store.query(Query.builder().entityId("k").build()).events()) {
                            assertThat(e.payload().toJson()).contains(PAD);
                        }
                        for (UUID id : kept) {
                            assertThat(store.get(id)).isPresent();
                        }
                        store.reconstruct("k", null);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            for (int keep = 100; keep >= 1; keep /= 3) {
                store.retention().putRule(RetentionRule.builder("c").entityIdPrefix("c-").maxCount(keep).build());
                scavenge(store);
            }
            done.set(true);
            reader.join();
            assertThat(failure.get()).as("seed %d", seed).isNull();
        }
    }

    /** Counts the events it is fed. */
    private static final class Counter implements Projection {
        int applied;

        @Override
        public String name() {
            return "counter";
        }

        @Override
        public void apply(StoredEvent event) {
            applied++;
        }

        @Override
        public java.util.Optional<dev.peregrine.record.Record> state(String key) {
            return java.util.Optional.empty();
        }

        @Override
        public void reset() {
            applied = 0;
        }
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".scavenge")).toList();
        }
    }

    private static int headerVersion(Path segment) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, SegmentHeaderDescriptor.VERSION_OFFSET);
            return b.getInt(0);
        }
    }
}
