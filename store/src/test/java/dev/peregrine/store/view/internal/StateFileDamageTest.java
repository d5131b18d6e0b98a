package dev.peregrine.store.view.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.DamageChecks;
import dev.peregrine.store.view.ViewDefinition;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every truncation and random bit flips of a view state file are detected, never loaded. */
class StateFileDamageTest {

    private static final long SEED = 0xDA3A_0006L;

    @TempDir
    Path dir;

    @Test
    void truncationsAndBitFlipsAreDetected() throws Exception {
        Random rnd = new Random(SEED);
        RandomViews gen = new RandomViews(rnd);
        FieldDictionary dict = FieldDictionary.create();
        MemoryViewLog log = new MemoryViewLog();
        // small checkpoint spacing, so the file holds checkpoints as well as the current table
        MaintainedView view = new MaintainedView(ViewDefinition.fromJson("""
                {"name": "d", "group_by": ["s"], "aggregates": [{"fn": "max", "field": "a"}, {"fn": "sum", "field": "a"}]}"""),
                log, 4, 3);
        for (long p = 1; p <= 40; p++) {
            if (p % 13 == 0) {
                log.tombstone("e3", p);
                view.retract("e3", p, null);
            } else {
                TestInput in = new TestInput(p, "t", "e" + p % 5, null, p, 1,
                        RecordBuilder.create(dict).withFields(gen.payload()).build());
                log.append(in);
                view.insert(in, null);
            }
        }
        Path file = dir.resolve("d.view");
        ViewStateFile.write(file, view, 40);
        DamageChecks.everyTruncationAndFlipIsDetected(file, () -> ViewStateFile.read(file,
                d -> new MaintainedView(d, log, 4, 3)), SEED, 200);
    }

    @Test
    void definitionFileTruncationsAndBitFlipsAreDetected() throws Exception {
        Path file = dir.resolve("d" + ViewDefinitionFile.SUFFIX);
        ViewDefinition definition = ViewDefinition.fromJson(
                "{\"name\": \"d\", \"group_by\": [\"s\"], \"aggregates\": [{\"fn\": \"max\", \"field\": \"a\"}]}");
        ViewDefinitionFile.write(file, definition);
        assertThat(ViewDefinitionFile.read(file)).isEqualTo(definition);
        DamageChecks.everyTruncationAndFlipIsDetected(file, () -> ViewDefinitionFile.read(file), SEED, 200);
    }

    @Test
    void anotherFormatVersionIsUnsupportedNotCorrupt() throws Exception {
        Path file = dir.resolve("v.view");
        ViewStateFile.write(file, new MaintainedView(ViewDefinition.fromJson("{\"name\": \"v\"}"), new MemoryViewLog()), 0);
        int newer = ViewStateFile.FORMAT.currentVersion() + 1;
        DamageChecks.rewriteVersion(file, newer, true);
        assertThatThrownBy(() -> ViewStateFile.read(file, d -> new MaintainedView(d, new MemoryViewLog())))
                .isInstanceOfSatisfying(UnsupportedFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.found()).isEqualTo(newer);
                    assertThat(e.tooNew()).isTrue();
                });
    }
}
