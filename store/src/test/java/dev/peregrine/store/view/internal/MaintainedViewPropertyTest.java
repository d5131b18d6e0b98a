package dev.peregrine.store.view.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.view.ViewChange;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For random streams of events and tombstones and random view definitions, the incrementally
 * maintained view equals a full recompute ({@link ViewOracle}) after every step, as of a random past
 * position after every step too (served from the view's checkpoints and the log, with checkpoints
 * close together and few so that their thinning runs), through persist-and-reload "restarts", and as
 * rebuilt from its deltas.
 */
class MaintainedViewPropertyTest {

    private static final long SEED = 0x5EED_0006L;

    @TempDir
    Path dir;

    @Test
    void incrementalViewsEqualAFullRecompute() {
        for (int round = 0; round < 25; round++) {
            long seed = SEED + round;
            try {
                runRound(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed with seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private void runRound(long seed) {
        Random rnd = new Random(seed);
        RandomViews gen = new RandomViews(rnd);
        FieldDictionary dict = FieldDictionary.create();
        List<ViewDefinition> defs = new ArrayList<>();
        List<MaintainedView> views = new ArrayList<>();
        List<Replica> replicas = new ArrayList<>();
        MemoryViewLog memoryLog = new MemoryViewLog();
        // Checkpoints close together and few, so that as-of reads start from them and thinning runs.
        int capacity = 1 + rnd.nextInt(4);
        long spacing = 1 + rnd.nextInt(20);
        java.util.function.Function<ViewDefinition, MaintainedView> empty =
                d -> new MaintainedView(d, memoryLog, capacity, spacing);
        for (int i = 0; i < 6; i++) {
            ViewDefinition d = gen.definition("v" + i);
            defs.add(d);
            views.add(empty.apply(d));
            replicas.add(new Replica());
        }
        List<ViewOracle.Entry> log = new ArrayList<>();
        Map<String, Long> versions = new HashMap<>();
        int events = 150 + rnd.nextInt(150);
        int restartAt = rnd.nextInt(events);
        for (long pos = 1; pos <= events; pos++) {
            String entity = "e" + rnd.nextInt(8);
            List<ViewChange> changes = new ArrayList<>();
            if (rnd.nextInt(12) == 0) {
                log.add(new ViewOracle.Entry(pos, "$tombstone", entity, null, pos * 1000, 0, null));
                memoryLog.tombstone(entity, pos);
                versions.remove(entity);
                for (int v = 0; v < views.size(); v++) {
                    changes.clear();
                    views.get(v).retract(entity, pos, changes);
                    replicas.get(v).apply(changes);
                }
            } else {
                String type = RandomViews.TYPES[rnd.nextInt(RandomViews.TYPES.length)];
                String tenant = rnd.nextBoolean() ? "t1" : null;
                long version = versions.merge(entity, 1L, Long::sum);
                Map<String, Object> payload = gen.payload();
                ViewOracle.Entry entry = new ViewOracle.Entry(pos, type, entity, tenant, pos * 1000, version, payload);
                log.add(entry);
                TestInput in = new TestInput(pos, type, entity, tenant, pos * 1000, version,
                        RecordBuilder.create(dict).withFields(payload).build());
                memoryLog.append(in);
                for (int v = 0; v < views.size(); v++) {
                    ViewDefinition d = defs.get(v);
                    if (d.eventTypes().isEmpty() || d.eventTypes().contains(type)) {
                        changes.clear();
                        views.get(v).insert(in, changes);
                        replicas.get(v).apply(changes);
                    }
                }
            }
            if (pos == restartAt || rnd.nextInt(60) == 0) {
                for (int v = 0; v < views.size(); v++) {
                    Path file = dir.resolve("r" + seed + "-" + v + ".view");
                    ViewStateFile.write(file, views.get(v), pos);
                    ViewStateFile.Loaded loaded = ViewStateFile.read(file, empty).orElseThrow();
                    assertThat(loaded.checkpoint()).isEqualTo(pos);
                    views.set(v, loaded.view());
                }
            }
            for (int v = 0; v < views.size(); v++) {
                List<ViewRow> expected = ViewOracle.recompute(defs.get(v), log, pos);
                assertThat(views.get(v).rows()).as("view %s at %d", defs.get(v), pos).isEqualTo(expected);
                assertThat(views.get(v).rowCount()).isEqualTo(expected.size());
                assertThat(replicas.get(v).sorted(defs.get(v))).as("deltas of %s", defs.get(v))
                        .isEqualTo(expected);
                long at = rnd.nextLong(pos + 1);
                assertThat(views.get(v).rowsAt(at)).as("view %s as of %d at %d", defs.get(v), at, pos)
                        .isEqualTo(ViewOracle.recompute(defs.get(v), log, at));
            }
        }
        for (int check = 0; check < 5; check++) {
            long at = rnd.nextInt(events + 1);
            for (int v = 0; v < views.size(); v++) {
                assertThat(views.get(v).rowsAt(at)).as("view %s as of %d", defs.get(v), at)
                        .isEqualTo(ViewOracle.recompute(defs.get(v), log, at));
            }
        }
    }

    /** Rows rebuilt only from a view's deltas, as a follower would. */
    private static final class Replica {
        private final List<ViewRow> rows = new ArrayList<>();

        void apply(List<ViewChange> changes) {
            for (ViewChange c : changes) {
                switch (c.kind()) {
                    case ADDED -> rows.add(c.after());
                    case REMOVED -> assertThat(rows.remove(c.before())).as("removed row was present").isTrue();
                    case UPDATED -> {
                        assertThat(rows.remove(c.before())).as("updated row was present").isTrue();
                        rows.add(c.after());
                    }
                }
            }
        }

        List<ViewRow> sorted(ViewDefinition d) {
            List<ViewRow> out = new ArrayList<>(rows);
            int keys = d.grouped() ? d.groupBy().size() : 1;
            out.sort((a, b) -> {
                for (int i = 0; i < keys; i++) {
                    int c = Values.totalCompare(a.get(i), b.get(i));
                    if (c != 0) {
                        return c;
                    }
                }
                return 0;
            });
            return out;
        }
    }
}
