package dev.peregrine.store;

import static dev.peregrine.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.DamageChecks;
import dev.peregrine.store.framing.RecordFile;
import dev.peregrine.store.internal.DictionaryFile;
import dev.peregrine.store.internal.IndexCheckpoint;
import dev.peregrine.store.internal.ProjectionRunner;
import dev.peregrine.store.internal.SnapshotStore;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lucene-style damage to every file a store writes beside its log, on a store that has written each
 * of them. At the file level, every damage is a typed error naming the file and offset, or, for an
 * append-only file's torn tail, repaired. Through the public {@link EventStore}, a damaged derived file
 * (index checkpoint, snapshots, projection checkpoints, view state) is rebuilt from the log and every
 * answer the store gives (queries, stream versions, states, projections, a view) is unchanged.
 * The view definition and subscription state files are checked in their own packages
 * ({@code StateFileDamageTest}, {@code SubscriptionStateFileTest}); {@code fields.dict} through the
 * store in {@link FieldDictionaryDamageTest}.
 */
class StoreFilesDamageTest {

    private static final long SEED = Long.getLong("damage.seed", 0xF11E_DA3AL);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> ENTITIES = List.of("e0", "e1", "e2", "e3");
    private static final List<String> TYPES = List.of("t0", "t1");

    @TempDir
    Path dir;

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(256 * 1024).snapshotEvery(3)
                .followerCheckpointEvery(5).build();
    }

    @BeforeEach
    void writeEveryFile() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            store.views().register(ViewDefinition.fromJson("""
                    {"name": "totals", "group_by": ["g"], "aggregates": [{"fn": "sum", "field": "i"},
                     {"fn": "max", "field": "i"}]}"""), BackfillListener.NONE);
            for (int i = 0; i < 40; i++) {
                store.append(event(store, TYPES.get(i % 2), ENTITIES.get(i % 4),
                        "{\"i\":" + i + ",\"g\":\"g" + i % 3 + "\",\"k" + i % 5 + "\":" + i + "}").build());
            }
            store.awaitProjections(WAIT);
            assertThat(store.views().get("totals").orElseThrow().awaitPosition(40, WAIT)).isTrue();
        }
        for (String f : List.of("fields.dict", "index.ckpt", "snapshots.dat", "projections/event_counters.ckpt",
                "projections/entity_snapshots.ckpt", "views/totals.view", "views/totals.def")) {
            assertThat(dir.resolve(f)).as("the store wrote %s", f).exists();
        }
    }

    /** Everything the store answers about its events. */
    private static String answers(EventStore store) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String e : ENTITIES) {
            out.append(e).append(' ').append(positions(store.query(Query.builder().entityId(e).build())))
                    .append(" v").append(store.streamVersion(e)).append(' ')
                    .append(store.reconstruct(e, null).state().toJson()).append('\n');
        }
        for (String t : TYPES) {
            out.append(t).append(' ').append(positions(store.query(Query.builder().eventType(t).build()))).append('\n');
        }
        store.awaitProjections(WAIT);
        for (String t : TYPES) {
            out.append("count ").append(t).append(' ')
                    .append(store.projection("event_counters").orElseThrow().state(t).orElseThrow().toJson()).append('\n');
        }
        for (String e : ENTITIES) {
            out.append("snapshot ").append(e).append(' ')
                    .append(store.projection("entity_snapshots").orElseThrow().state(e).orElseThrow().toJson()).append('\n');
        }
        View view = store.views().get("totals").orElseThrow();
        assertThat(view.awaitPosition(store.lastPosition(), WAIT)).isTrue();
        out.append(view.read().rows());
        return out.toString();
    }

    private static List<Long> positions(QueryPage page) {
        return page.events().stream().map(StoredEvent::position).toList();
    }

    @Test
    void everyDamageToADerivedFileIsRebuiltAndTheAnswersDoNotChange() throws Exception {
        Map<Path, byte[]> good = new LinkedHashMap<>();
        for (String f : List.of("index.ckpt", "snapshots.dat", "projections/event_counters.ckpt",
                "projections/entity_snapshots.ckpt", "views/totals.view")) {
            good.put(dir.resolve(f), Files.readAllBytes(dir.resolve(f)));
        }
        String expected;
        try (EventStore store = EventStore.open(dir, options())) {
            expected = answers(store);
        }
        Random rnd = new Random(SEED);
        for (Path file : good.keySet()) {
            long[] boundaries = file.getFileName().toString().equals("snapshots.dat")
                    ? sample(DamageChecks.recordBoundaries(restore(good, file)), 3)
                    : DamageChecks.wholeFileBoundaries(restore(good, file));
            byte[] bytes = good.get(file);
            long[] cuts = LongStream.concat(Arrays.stream(boundaries).filter(b -> b < bytes.length),
                    LongStream.generate(() -> rnd.nextInt(bytes.length)).limit(2)).toArray();
            for (long cut : cuts) {
                restoreAll(good);
                Files.write(file, Arrays.copyOf(bytes, (int) cut));
                assertAnswers(expected, "seed %d: %s cut to %d of %d bytes".formatted(SEED, file, cut, bytes.length));
            }
            for (int i = 0; i < 3; i++) {
                restoreAll(good);
                byte[] bad = bytes.clone();
                int at = rnd.nextInt(bad.length);
                bad[at] ^= (byte) (1 << rnd.nextInt(8));
                Files.write(file, bad);
                assertAnswers(expected, "seed %d: %s with a bit flipped at byte %d".formatted(SEED, file, at));
            }
        }
    }

    private void assertAnswers(String expected, String damage) throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            assertThat(answers(store)).as(damage).isEqualTo(expected);
        }
    }

    private static Path restore(Map<Path, byte[]> good, Path file) throws Exception {
        Files.write(file, good.get(file));
        return file;
    }

    private static void restoreAll(Map<Path, byte[]> good) throws Exception {
        for (Path f : good.keySet()) {
            restore(good, f);
        }
    }

    /** @return the first and last {@code n} boundaries */
    private static long[] sample(long[] boundaries, int n) {
        if (boundaries.length <= 2 * n) {
            return boundaries;
        }
        return LongStream.concat(Arrays.stream(boundaries, 0, n),
                Arrays.stream(boundaries, boundaries.length - n, boundaries.length)).toArray();
    }

    @Test
    void everyDamageToTheIndexCheckpointIsATypedErrorNamingFileAndOffset() throws Exception {
        Path file = dir.resolve("index.ckpt");
        DamageChecks.truncationsAndFlipsAreDetected(file, DamageChecks.wholeFileBoundaries(file),
                () -> AtomicFile.read(file, IndexCheckpoint.FORMAT), SEED, 100, 300);
    }

    @Test
    void everyTruncationAndBitFlipOfAProjectionCheckpointIsATypedError() throws Exception {
        for (String name : List.of("event_counters", "entity_snapshots")) {
            Path file = dir.resolve("projections").resolve(name + ".ckpt");
            DamageChecks.everyTruncationAndFlipIsDetected(file, () -> AtomicFile.read(file, ProjectionRunner.FORMAT),
                    SEED, 200);
        }
    }

    @Test
    void snapshotFileTornTailsAreRepairedAndOtherDamageIsATypedError() throws Exception {
        Path file = dir.resolve("snapshots.dat");
        assertThat(DamageChecks.recordBoundaries(file).length).as("several snapshot records").isGreaterThan(5);
        DamageChecks.tornTailsRepairedOtherDamageDetected(file,
                () -> RecordFile.open(file, SnapshotStore.FORMAT, false, (offset, body) -> { }).close(), SEED, 50, 300);
    }

    @Test
    void dictionaryTornTailsAreRepairedAndOtherDamageIsATypedError() throws Exception {
        Path file = dir.resolve("fields.dict");
        DamageChecks.tornTailsRepairedOtherDamageDetected(file, () -> DictionaryFile.open(file, false, 1000).close(),
                SEED, 50, 300);
    }
}
