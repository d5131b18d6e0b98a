package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.framing.DamageChecks;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every truncation of {@code fields.dict} and random bit flips in it, with a log whose last entry uses
 * every name: each damage must stop the store from opening with a {@link CorruptFileException} naming
 * the file, never open it with names missing or wrong.
 */
class FieldDictionaryDamageTest {

    @TempDir
    Path dir;

    @Test
    void everyTruncationAndBitFlipOfTheDictionaryIsDetected() throws Exception {
        StoreOptions options = StoreOptions.builder().durability(Durability.none()).segmentBytes(256 * 1024)
                .builtInProjections(false).build();
        try (EventStore store = EventStore.open(dir, options)) {
            StringBuilder all = new StringBuilder("{");
            for (int batch = 0; batch < 6; batch++) { // six records of five names
                FieldDictionary draft = store.dictionary().draft();
                StringBuilder json = new StringBuilder("{");
                for (int i = 0; i < 5; i++) {
                    String name = "n" + batch + "_" + i + (i == 2 ? "\u00e9" : "");
                    json.append(i == 0 ? "" : ",").append('"').append(name).append("\":").append(i);
                    all.append(all.length() == 1 ? "" : ",").append('"').append(name).append("\":").append(i);
                }
                store.append(NewEvent.builder().eventType("t").entityId("e")
                        .payload(JsonCodec.defaults().parse(draft, json.append('}').toString())).build());
            }
            // The last entry uses every name, so a dictionary with any name missing cannot serve it.
            store.append(NewEvent.builder().eventType("t").entityId("e")
                    .payload(JsonCodec.defaults().parse(store.dictionary().draft(), all.append('}').toString())).build());
            assertThat(store.dictionary().size()).isEqualTo(30);
        }
        long seed = Long.getLong("damage.seed", System.nanoTime() % 100_000);
        Path file = dir.resolve("fields.dict");
        DamageChecks.everyTruncationAndFlipIsDetected(file, () -> EventStore.open(dir, options).close(), seed, 200,
                CorruptFileException.class);
        try (EventStore store = EventStore.open(dir, options)) {
            assertThat(StoreInternals.read(store, 7, 1).getFirst().payload().fieldCount()).isEqualTo(30);
        }
    }
}
