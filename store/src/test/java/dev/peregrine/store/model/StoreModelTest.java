package dev.peregrine.store.model;

import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store against a plain in-memory model ({@link StoreModel}), through a seeded random sequence
 * of operations ({@link Workload}): single and batch appends with and without client ids, retries
 * of earlier requests (idempotent) and of ids with other content (duplicates), every kind of
 * expected version matching and not, tombstones and re-creation, gets, queries with every filter
 * and cursor paging, state reconstruction now and as of a time, snapshots, raw reads, versions,
 * counters, and restarts with the index checkpoint kept, deleted, or replaced by an older one.
 *
 * <p>Each step checks its own result and cheap invariants; a full comparison runs at intervals,
 * after each restart, and after each growth of the id table. Each entity or type list that crosses
 * a growth threshold of its {@code LongPagedList} is compared whole right then, the log around each
 * segment roll is re-read, and recent payloads are re-read when the field dictionary doubles.
 * Segment sizes change with each restart (64 KiB to 4 MiB), so rolls are frequent in some phases
 * and single segments hold tens of thousands of entries (their offset lists cross pages) and
 * batches of megabytes (the log writer's staging buffer grows) in others.
 *
 * <p>Seeds: random per run, printed at the start and in every failure; replay one with
 * {@code -Dperegrine.model.seed=<seed>}. Longer runs: {@code -Dperegrine.model.ops=<n>} runs epochs
 * of {@value #EPOCH_OPS} operations, each on a fresh store with seed {@code seed + epoch} (so an
 * epoch that fails replays alone with that seed); {@code store/bin/model-soak} does this.
 */
class StoreModelTest {

    /** System property: the seed of the first epoch. */
    static final String SEED = "peregrine.model.seed";
    /** System property: operations in all (a multiple of epochs). */
    static final String OPS = "peregrine.model.ops";
    /** Operations of one epoch: about 130,000 events, past eight growths of the id table. */
    static final int EPOCH_OPS = 7_000;
    private static final int RESTARTS = 8;
    private static final int FULL_EVERY = 2_000;
    private static final int RECENT = 12;

    @TempDir
    Path dir;

    @Test
    void storeAgreesWithModel() throws IOException {
        long seed = Long.getLong(SEED, System.nanoTime() % 1_000_000_000L);
        long ops = Long.getLong(OPS, EPOCH_OPS);
        System.out.printf("model run: seed %d, %d operations (replay with -D%s=%d)%n", seed, ops, SEED, seed);
        long epochs = (ops + EPOCH_OPS - 1) / EPOCH_OPS;
        for (long epoch = 0; epoch < epochs; epoch++) {
            Path epochDir = dir.resolve("epoch-" + epoch);
            Files.createDirectories(epochDir);
            Summary summary = new Epoch(epochDir, seed + epoch, (int) Math.min(EPOCH_OPS, ops - epoch * EPOCH_OPS)).run();
            System.out.printf("epoch %d (seed %d): %s%n", epoch, seed + epoch, summary);
            if (summary.ops == EPOCH_OPS) {
                assertCoverage(summary, seed + epoch);
            }
            deleteTree(epochDir);
        }
    }

    /** The run reached what it is for: the growth thresholds up to 100,000 events and beyond. */
    private static void assertCoverage(Summary s, long seed) {
        String what = "seed " + seed + ": coverage of " + s;
        assertThat(s.events).as(what).isGreaterThanOrEqualTo(100_000);
        assertThat(s.idGrowths).as(what).isGreaterThanOrEqualTo(7);
        assertThat(s.longestList).as(what + ": a list past several pages").isGreaterThan(4 * 8192);
        assertThat(s.pageCrossings).as(what).isGreaterThan(1000);
        assertThat(s.rolls).as(what).isGreaterThan(50);
        assertThat(s.dictionaryNames).as(what).isGreaterThan(1024);
        assertThat(s.largestBatch).as(what + ": a batch bigger than the 64 KiB staging buffer")
                .isGreaterThan(1000);
        assertThat(s.restarts).as(what).isEqualTo(RESTARTS);
        assertThat(s.checkpoints).as(what + ": index checkpoints at restarts")
                .contains("checkpoint kept", "checkpoint deleted", "older checkpoint");
        assertThat(s.refused).as(what + ": refusals of every kind").hasSizeGreaterThanOrEqualTo(5);
        assertThat(s.retries).as(what).isGreaterThan(100);
    }

    /** What one epoch did, for the log and for the coverage check. */
    static final class Summary {
        long ops;
        long events;
        long idGrowths;
        long pageCrossings;
        long longestList;
        long rolls;
        long dictionaryNames;
        long largestBatch;
        long retries;
        long restarts;
        long fullComparisons;
        long millis;
        final Set<String> refused = new LinkedHashSet<>();
        final Set<String> checkpoints = new LinkedHashSet<>();

        @Override
        public String toString() {
            return ops + " ops, " + events + " events, " + idGrowths + " id-table growths, " + pageCrossings
                    + " list thresholds crossed (longest list " + longestList + "), " + rolls + " segment rolls, "
                    + dictionaryNames + " field names, largest batch " + largestBatch + ", " + retries
                    + " retries, " + restarts + " restarts " + checkpoints + ", " + fullComparisons
                    + " full comparisons, refusals "
                    + refused + ", " + millis + " ms";
        }
    }

    /** Store options of each phase between restarts. */
    static StoreOptions options(int phase) {
        int[] segments = {64 << 10, 4 << 20, 256 << 10, 1 << 20};
        int[] snapshotEvery = {5, 1000, 0, 50};
        int[] checkpointEvery = {500, 100_000, 5000};
        int[] queryLimit = {500, 10_000};
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(segments[phase % segments.length])
                .snapshotEvery(snapshotEvery[phase % snapshotEvery.length])
                .followerCheckpointEvery(checkpointEvery[phase % checkpointEvery.length])
                .maxQueryLimit(queryLimit[phase % queryLimit.length]).build();
    }

    /** One seeded run on a fresh store. */
    private static final class Epoch {
        private final Path dir;
        private final long seed;
        private final int ops;
        private final StoreModel model = new StoreModel();
        private final Workload workload;
        private final Random random;
        private final Summary summary = new Summary();
        private final Deque<String> recent = new ArrayDeque<>();
        private StoreChecker checker;
        private long idSlots = 1024;
        private int segments;
        private int dictionary;
        private long rollFrom = 1;

        Epoch(Path dir, long seed, int ops) {
            this.dir = dir;
            this.seed = seed;
            this.ops = ops;
            Random r = new Random(seed);
            this.workload = new Workload(new Random(r.nextLong()), model, "", true);
            this.random = new Random(r.nextLong());
        }

        Summary run() {
            long started = System.nanoTime();
            int phase = 0;
            int op = -1;
            StoreOptions options = options(phase);
            workload.limits(options.segmentBytes(), options.maxBatchEvents());
            checker = new StoreChecker(EventStore.open(dir, options), model, new Random(random.nextLong()));
            try {
                for (op = 0; op < ops; op++) {
                    if ((long) op * (RESTARTS + 1) / ops != (long) (op + 1) * (RESTARTS + 1) / ops && op + 1 < ops) {
                        restart(++phase);
                    }
                    step(workload.next(), op);
                    if (op % FULL_EVERY == FULL_EVERY - 1) {
                        full(false);
                    }
                }
                full(true);
            } catch (Throwable e) {
                throw new AssertionError("model run failed: seed " + seed + " (replay with -D" + SEED + "=" + seed
                        + "), op " + op + " of " + ops + "; the last operations:\n  " + String.join("\n  ", recent)
                        + "\n" + e.getMessage(), e);
            } finally {
                checker.store().close();
            }
            summary.ops = ops;
            summary.events = model.eventCount();
            summary.dictionaryNames = dictionary;
            summary.millis = (System.nanoTime() - started) / 1_000_000;
            return summary;
        }

        private void step(Op op, int index) {
            if (recent.size() == RECENT) {
                recent.removeFirst();
            }
            recent.addLast(index + ": " + op);
            Set<String> entities = new LinkedHashSet<>();
            Set<String> types = new HashSet<>();
            switch (op) {
                case Op.Append a -> {
                    a.events().forEach(e -> {
                        entities.add(e.entity());
                        types.add(e.type());
                    });
                    if (a.kind().equals("retry")) {
                        summary.retries++;
                    }
                }
                case Op.Tombstone t -> entities.add(t.entity());
                default -> {
                }
            }
            List<long[]> before = new ArrayList<>();
            for (String e : entities) {
                before.add(new long[] {model.eventsEver(e), model.tombstones(e)});
            }
            List<Long> typesBefore = types.stream().map(t -> (long) model.typeCount(t)).toList();
            long lastBefore = model.lastPosition();
            checker.run(op);
            if (checker.lastRefusal() != null) {
                summary.refused.add(checker.lastRefusal().type().getSimpleName());
            }
            if (op instanceof Op.Append a && model.lastPosition() > lastBefore) {
                summary.largestBatch = Math.max(summary.largestBatch, model.lastPosition() - lastBefore);
                recent.addLast("   stored " + (lastBefore + 1) + ".." + model.lastPosition() + " (" + a.kind() + ")");
                if (recent.size() > RECENT) {
                    recent.removeFirst();
                }
            }
            checker.invariants(entities);
            thresholds(entities, before, types, typesBefore);
        }

        /** Compares whatever just crossed a growth threshold, before later growth could mend it. */
        private void thresholds(Set<String> entities, List<long[]> before, Set<String> types, List<Long> typesBefore) {
            int i = 0;
            for (String e : entities) {
                long[] b = before.get(i++);
                long events = model.eventsEver(e);
                summary.longestList = Math.max(summary.longestList, events);
                if (crossesPagedList(b[0], events) || crossesPagedList(b[1], model.tombstones(e))) {
                    summary.pageCrossings++;
                    checker.entity(e);
                }
            }
            i = 0;
            for (String t : types) {
                long b = typesBefore.get(i++);
                if (crossesPagedList(b, model.typeCount(t))) {
                    summary.pageCrossings++;
                    checker.type(t);
                }
            }
            while (model.eventCount() * 10 > idSlots * 7) { // the table doubles at 70% load
                idSlots *= 2;
                summary.idGrowths++;
                checker.ids();
            }
            int nowSegments = checker.store().stats().segments();
            if (nowSegments != segments) {
                if (segments != 0) {
                    summary.rolls += nowSegments - segments;
                    // The entries on both sides of the roll: offsets of the old and the new segment.
                    long from = Math.max(1, rollFrom - 8);
                    checker.readFrom(from, (int) (model.lastPosition() - from + 1), true);
                }
                segments = nowSegments;
                rollFrom = model.lastPosition() + 1;
            }
            int names = checker.store().dictionary().size();
            if (Integer.highestOneBit(Math.max(1, names)) != Integer.highestOneBit(Math.max(1, dictionary))) {
                long from = Math.max(1, model.lastPosition() - 500);
                checker.readFrom(from, 501, true); // records read back through the grown dictionary
            }
            dictionary = names;
        }

        /**
         * Whether a {@code LongPagedList} growing from {@code before} to {@code after} elements grew
         * its storage: the first page doubles from 4 elements up to 8,192, then each 8,192 elements
         * start a page (and the page spine doubles at powers of two).
         */
        static boolean crossesPagedList(long before, long after) {
            for (long capacity = 4; capacity < 8192; capacity *= 2) {
                if (before <= capacity && after > capacity) {
                    return true;
                }
            }
            return after > 8192 && (before - 1) / 8192 != (after - 1) / 8192;
        }

        private void full(boolean payloads) {
            List<Op.Find> queries = new ArrayList<>();
            for (int q = 0; q < 6; q++) {
                queries.add(workload.query());
            }
            checker.full(payloads, queries);
            summary.fullComparisons++;
        }

        /**
         * Closes and reopens with the next phase's options. The index checkpoint the close wrote is
         * kept, deleted (the indexes are rebuilt from the log), or replaced by the one the previous
         * close wrote (loaded, then the log after it replayed: what a crash leaves behind).
         */
        private void restart(int phase) throws IOException {
            Path checkpoint = dir.resolve("index.ckpt");
            Path running = dir.resolve("index.ckpt.running");
            boolean hadOne = Files.exists(checkpoint); // the one a crash now would leave behind
            if (hadOne) {
                Files.copy(checkpoint, running, StandardCopyOption.REPLACE_EXISTING);
            }
            checker.store().close();
            String mode = switch (phase % 3) { // kept, then the older one (the kept one is older now), then none
                case 1 -> "checkpoint kept";
                case 0 -> {
                    Files.deleteIfExists(checkpoint);
                    yield "checkpoint deleted";
                }
                default -> {
                    if (!hadOne) {
                        Files.deleteIfExists(checkpoint);
                        yield "checkpoint deleted (there was no older one)";
                    }
                    Files.move(running, checkpoint, StandardCopyOption.REPLACE_EXISTING);
                    yield "older checkpoint";
                }
            };
            StoreOptions options = options(phase);
            recent.addLast("restart " + phase + " (" + mode + ", segments of " + options.segmentBytes() + " bytes)");
            EventStore reopened = EventStore.open(dir, options);
            model.reopened();
            workload.limits(options.segmentBytes(), options.maxBatchEvents());
            checker.reopened(reopened);
            segments = reopened.stats().segments();
            summary.restarts++;
            summary.checkpoints.add(mode);
            full(true);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
