package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.DamageChecks;
import dev.peregrine.store.framing.RecordFile;
import dev.peregrine.store.internal.DictionaryFile;
import dev.peregrine.store.internal.IndexCheckpoint;
import dev.peregrine.store.internal.ProjectionRunner;
import dev.peregrine.store.internal.SnapshotStore;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @TempDir
    Path dir;

    @BeforeEach
    void writeEveryFile() throws Exception {
        StoreFiles.writeEveryFile(dir);
    }

    @Test
    void everyDamageToADerivedFileIsRebuiltAndTheAnswersDoNotChange() throws Exception {
        Map<Path, byte[]> good = new LinkedHashMap<>();
        for (String f : List.of("index.ckpt", "snapshots.dat", "projections/event_counters.ckpt",
                "projections/entity_snapshots.ckpt", "views/totals.view")) {
            good.put(dir.resolve(f), Files.readAllBytes(dir.resolve(f)));
        }
        String expected;
        try (EventStore store = EventStore.open(dir, StoreFiles.options())) {
            expected = StoreFiles.answers(store);
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
                DamageChecks.Flip flip = DamageChecks.Flip.random(bytes, rnd);
                Files.write(file, flip.bytes());
                assertAnswers(expected, "seed %d: %s with a bit flipped at byte %d".formatted(SEED, file, flip.at()));
            }
        }
    }

    private void assertAnswers(String expected, String damage) throws Exception {
        try (EventStore store = EventStore.open(dir, StoreFiles.options())) {
            assertThat(StoreFiles.answers(store)).as(damage).isEqualTo(expected);
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
