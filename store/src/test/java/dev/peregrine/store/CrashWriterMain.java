package dev.peregrine.store;

import dev.peregrine.record.JsonCodec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link CrashRecoveryTest}: appends batches with {@code fsync} from several threads
 * forever, printing one line per acknowledged batch ({@link CrashWriters}). The parent kills it with
 * SIGKILL at a random moment.
 */
public final class CrashWriterMain {

    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        EventStore store = EventStore.open(dir, StoreOptions.builder().durability(Durability.fsync())
                .segmentBytes(256 * 1024).snapshotEvery(7).followerCheckpointEvery(40).build());
        CrashWriters.run(store, seed, (batch, random) -> {
            int size = 1 + random.nextInt(5);
            List<NewEvent> events = new ArrayList<>(size);
            for (int k = 0; k < size; k++) {
                String json = "{\"batch\":" + batch + ",\"k\":" + k + ",\"size\":" + size
                        + ",\"pad\":\"" + "x".repeat(random.nextInt(400)) + "\"}";
                events.add(NewEvent.builder().eventType("crash.test").entityId("e" + random.nextInt(10))
                        .payload(JsonCodec.defaults().parse(store.dictionary(), json)).build());
            }
            return events;
        });
    }
}
