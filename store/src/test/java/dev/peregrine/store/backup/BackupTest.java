package dev.peregrine.store.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StoreInternals;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online backup and restore through the public API: backups taken while four threads append, each
 * restored and compared event by event with the source; incremental runs; runs interrupted at random
 * points; damaged backups refused before anything is written.
 */
class BackupTest {

    private static final String TOTALS = """
            {"name": "totals", "event_types": ["order.placed"],
             "group_by": [{"field": "customer", "as": "customer"}],
             "aggregates": [{"fn": "count", "as": "orders"}, {"fn": "sum", "field": "amount", "as": "total"}]}
            """;

    @TempDir
    Path tmp;

    static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(StoreOptions.MIN_SEGMENT_BYTES)
                .snapshotEvery(50).build();
    }

    @Test
    void backupsTakenUnderConcurrentAppendsRestoreEveryEventUpToTheirPosition() throws Exception {
        long seed = new Random().nextLong();
        Path data = tmp.resolve("data");
        Path backup = tmp.resolve("backup");
        try (EventStore store = EventStore.open(data, options())) {
            store.views().register(ViewDefinition.fromJson(TOTALS), BackfillListener.NONE);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong appended = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Random random = new Random(seed + t);
                writers.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        appended.addAndGet(store.append(batch(store, random)).size());
                    }
                }));
            }
            try {
                List<BackupReport> reports = new ArrayList<>();
                for (int round = 0; round < 4; round++) {
                    long target = 4_000L * (round + 1);
                    while (appended.get() < target) {
                        Thread.sleep(5);
                    }
                    BackupReport report = store.backup(backup, BackupProgress.NONE);
                    reports.add(report);
                    Path restored = tmp.resolve("restored-" + round);
                    EventStore.restore(backup, restored, BackupProgress.NONE);
                    assertRestored(store, restored, report.manifest().position(), seed);
                }
                // Incremental: each run keeps every segment the run before sealed, and copies only the rest.
                for (int i = 1; i < reports.size(); i++) {
                    List<BackupFile> before = reports.get(i - 1).manifest().files().stream()
                            .filter(f -> f.name().startsWith("log/")).toList();
                    BackupManifest now = reports.get(i).manifest();
                    List<String> kept = now.files().stream().map(BackupFile::storedName).toList();
                    assertThat(kept).as("seed %d run %d", seed, i)
                            .containsAll(before.subList(0, before.size() - 1).stream().map(BackupFile::storedName).toList());
                    // the small state files (here the view definition) are copied on every run
                    List<String> earlier = reports.get(i - 1).manifest().files().stream().map(BackupFile::storedName).toList();
                    long copied = now.files().stream().filter(f -> f.name().startsWith("views/")
                            || !earlier.contains(f.storedName())).mapToLong(BackupFile::bytes).sum();
                    assertThat(reports.get(i).bytesCopied()).as("seed %d run %d", seed, i).isEqualTo(copied);
                    assertThat(reports.get(i).filesReused()).isGreaterThanOrEqualTo(before.size() - 1);
                }
            } finally {
                stop.set(true);
                for (Thread w : writers) {
                    w.join();
                }
            }
        }
    }

    @Test
    void aRestoredStoreKeepsViewDefinitionsAndConsumerGroupCheckpoints() throws Exception {
        Path data = tmp.resolve("data");
        Path backup = tmp.resolve("backup");
        long acknowledged;
        try (EventStore store = EventStore.open(data, options())) {
            Random random = new Random(7);
            for (int i = 0; i < 300; i++) {
                store.append(batch(store, random));
            }
            store.views().register(ViewDefinition.fromJson(TOTALS), BackfillListener.NONE);
            ConsumerGroup group = store.subscriptions().group("billing", GroupOptions.DEFAULTS);
            try (GroupMember member = group.join("worker")) {
                for (int i = 0; i < 40; i++) {
                    Delivery d = member.poll(Duration.ofSeconds(10)).orElseThrow();
                    d.ack();
                }
            }
            acknowledged = group.acknowledgedPosition();
            assertThat(acknowledged).isPositive();
            store.backup(backup, BackupProgress.NONE);
        }
        Path restored = tmp.resolve("restored");
        EventStore.restore(backup, restored, BackupProgress.NONE);
        try (EventStore copy = EventStore.open(restored, options());
             EventStore source = EventStore.open(data, options())) {
            View view = copy.views().get("totals").orElseThrow();
            assertThat(view.awaitPosition(copy.lastPosition(), Duration.ofSeconds(30))).isTrue();
            View original = source.views().get("totals").orElseThrow();
            assertThat(original.awaitPosition(source.lastPosition(), Duration.ofSeconds(30))).isTrue();
            assertThat(view.readAsOf(copy.lastPosition()).rows())
                    .isEqualTo(original.readAsOf(source.lastPosition()).rows());
            assertThat(copy.subscriptions().group("billing", GroupOptions.DEFAULTS).acknowledgedPosition())
                    .isEqualTo(acknowledged);
        }
    }

    @Test
    void aBackupInterruptedAnywhereLeavesThePreviousOneRestorable() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Path data = tmp.resolve("data");
        Path backup = tmp.resolve("backup");
        try (EventStore store = EventStore.open(data, options())) {
            for (int i = 0; i < 1500; i++) {
                store.append(batch(store, random));
            }
            long good = store.backup(backup, BackupProgress.NONE).manifest().position();
            for (int round = 0; round < 12; round++) {
                for (int i = 0; i < 200; i++) {
                    store.append(batch(store, random));
                }
                long stopAt = 1 + random.nextLong(400_000);
                try {
                    good = store.backup(backup, (done, total) -> {
                        if (done >= stopAt) {
                            throw new IllegalStateException("interrupted at byte " + done);
                        }
                    }).manifest().position();
                } catch (IllegalStateException expected) {
                    // the run stopped part way, leaving partial copies behind
                }
                Path restored = tmp.resolve("restored-" + round);
                BackupManifest m = EventStore.restore(backup, restored, BackupProgress.NONE);
                assertThat(m.position()).as("seed %d round %d", seed, round).isEqualTo(good);
                assertRestored(store, restored, good, seed);
            }
        }
    }

    @Test
    void aDamagedOrIncompleteBackupIsRefusedBeforeAnythingIsWritten() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Path data = tmp.resolve("data");
        Path backup = tmp.resolve("backup");
        BackupManifest manifest;
        try (EventStore store = EventStore.open(data, options())) {
            for (int i = 0; i < 800; i++) {
                store.append(batch(store, random));
            }
            manifest = store.backup(backup, BackupProgress.NONE).manifest();
        }
        Path target = tmp.resolve("target");
        for (int round = 0; round < 20; round++) {
            BackupFile f = manifest.files().get(random.nextInt(manifest.files().size()));
            Path stored = backup.resolve(f.storedName());
            byte[] original = Files.readAllBytes(stored);
            byte[] damaged = original.clone();
            int kind = random.nextInt(3);
            if (kind == 0 && damaged.length > 0) {
                damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
            } else if (kind == 1) {
                damaged = java.util.Arrays.copyOf(damaged, random.nextInt(Math.max(1, damaged.length)));
            } else {
                damaged = null;
            }
            if (damaged == null) {
                Files.delete(stored);
            } else {
                Files.write(stored, damaged);
            }
            assertThatThrownBy(() -> EventStore.restore(backup, target, BackupProgress.NONE))
                    .as("seed %d round %d, %s", seed, round, f.name())
                    .isInstanceOfSatisfying(CorruptFileException.class, e -> assertThat(e.file()).isEqualTo(stored));
            assertThat(target).as("nothing written").doesNotExist();
            Files.write(stored, original);
        }
        EventStore.restore(backup, target, BackupProgress.NONE);
        assertThat(target.resolve("fields.dict")).exists();
    }

    @Test
    void restoreAndBackupRefuseDirectoriesThatHoldOtherFiles() throws Exception {
        Path data = tmp.resolve("data");
        Path backup = tmp.resolve("backup");
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "keep me");
        try (EventStore store = EventStore.open(data, options())) {
            store.append(batch(store, new Random(1)));
            assertThatThrownBy(() -> store.backup(foreign, BackupProgress.NONE)).isInstanceOf(StateConflictException.class);
            assertThatThrownBy(() -> store.backup(data.resolve("inside"), BackupProgress.NONE))
                    .isInstanceOf(StateConflictException.class);
            store.backup(backup, BackupProgress.NONE);
        }
        assertThatThrownBy(() -> EventStore.restore(backup, foreign, BackupProgress.NONE))
                .isInstanceOf(StateConflictException.class);
        assertThat(foreign.resolve("notes.txt")).hasContent("keep me");
        assertThat(Files.list(foreign).count()).isEqualTo(1);
        assertThatThrownBy(() -> EventStore.restore(foreign, tmp.resolve("x"), BackupProgress.NONE))
                .isInstanceOf(CorruptFileException.class);
    }

    @Test
    void progressCountsEveryByteUpToTheTotal() throws Exception {
        Path data = tmp.resolve("data");
        List<long[]> seen = new ArrayList<>();
        try (EventStore store = EventStore.open(data, options())) {
            Random random = new Random(3);
            for (int i = 0; i < 2000; i++) {
                store.append(batch(store, random));
            }
            BackupReport r = store.backup(tmp.resolve("b"), (done, total) -> seen.add(new long[] {done, total}));
            assertThat(seen).isNotEmpty();
            assertThat(seen.getLast()[0]).isEqualTo(seen.getLast()[1]).isEqualTo(r.bytesCopied());
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)[0]).isGreaterThan(seen.get(i - 1)[0]);
            }
        }
    }

    /** Opens the restored copy and compares every event with the source's, up to {@code position}. */
    static void assertRestored(EventStore source, Path restored, long position, long seed) {
        JsonCodec json = JsonCodec.defaults();
        try (EventStore copy = EventStore.open(restored, options())) {
            assertThat(copy.lastPosition()).as("seed %d", seed).isEqualTo(position);
            for (long p = 1; p <= position; p += 1000) {
                int n = (int) Math.min(1000, position - p + 1);
                List<StoredEvent> want = StoreInternals.read(source, p, n);
                List<StoredEvent> got = StoreInternals.read(copy, p, n);
                assertThat(got).as("seed %d from %d", seed, p).hasSize(want.size());
                for (int i = 0; i < want.size(); i++) {
                    StoredEvent w = want.get(i);
                    StoredEvent g = got.get(i);
                    assertThat(List.of(g.position(), g.id(), g.eventType(), g.entityId(), g.version(), g.timestampNanos()))
                            .as("seed %d position %d", seed, w.position())
                            .isEqualTo(List.of(w.position(), w.id(), w.eventType(), w.entityId(), w.version(),
                                    w.timestampNanos()));
                    if (!w.isTombstone()) {
                        assertThat(json.toJson(g.payload())).isEqualTo(json.toJson(w.payload()));
                    }
                }
            }
            assertThat(copy.stats().totalEvents()).isEqualTo(countEvents(source, position));
        } finally {
            deleteTree(restored);
        }
    }

    private static long countEvents(EventStore store, long position) {
        long n = 0;
        for (long p = 1; p <= position; p += 1000) {
            n += StoreInternals.read(store, p, (int) Math.min(1000, position - p + 1)).stream()
                    .filter(e -> !e.isTombstone()).count();
        }
        return n;
    }

    static List<NewEvent> batch(EventStore store, Random random) {
        int size = 1 + random.nextInt(5);
        List<NewEvent> events = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            String customer = "c" + random.nextInt(50);
            String body = "{\"customer\":\"" + customer + "\",\"amount\":" + random.nextInt(1000)
                    + ",\"field_" + random.nextInt(300) + "\":true,\"pad\":\"" + "x".repeat(random.nextInt(300)) + "\"}";
            events.add(NewEvent.builder().eventType("order.placed").entityId("order-" + random.nextInt(2000))
                    .payload(JsonCodec.defaults().parse(store.dictionary(), body)).build());
        }
        return events;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
