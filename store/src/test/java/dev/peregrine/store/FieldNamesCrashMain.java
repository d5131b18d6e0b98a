package dev.peregrine.store;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link FieldNamesCrashTest}: appends batches whose every event brings a new field
 * name, each batch parsed into its own draft, from several threads with {@code fsync}, and prints
 * each acknowledged batch ({@link CrashWriters}). One batch in five conflicts and is refused. The
 * parent kills it with SIGKILL at a random moment.
 */
public final class FieldNamesCrashMain {

    private FieldNamesCrashMain() {
    }

    /** The JSON of event {@code k} of batch {@code batch}: a name of its own holding a value derived from both. */
    static String json(long batch, int k) {
        return "{\"b" + batch + "k" + k + "\":{\"v\":" + (batch * 10 + k) + "},\"batch\":" + batch + ",\"k\":" + k + "}";
    }

    public static void main(String[] args) throws Exception {
        EventStore store = EventStore.open(Path.of(args[0]), StoreOptions.builder().durability(Durability.fsync())
                .segmentBytes(256 * 1024).build());
        CrashWriters.run(store, Long.parseLong(args[1]), (batch, random) -> {
            boolean refused = random.nextInt(5) == 0;
            FieldDictionary draft = store.dictionary().draft();
            List<NewEvent> events = new ArrayList<>();
            for (int k = 0, size = 1 + random.nextInt(4); k < size; k++) {
                events.add(NewEvent.builder().eventType("names.test").entityId("e" + random.nextInt(10))
                        .expectedVersion(refused ? ExpectedVersion.exact(Long.MAX_VALUE) : ExpectedVersion.any())
                        .payload(JsonCodec.defaults().parse(draft, json(batch, k))).build());
            }
            return events;
        });
    }
}
