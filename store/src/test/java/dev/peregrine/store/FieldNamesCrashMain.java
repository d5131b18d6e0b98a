package dev.peregrine.store;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child process of {@link FieldNamesCrashTest}: appends batches whose every event brings a new field
 * name, each batch parsed into its own draft, from several threads with {@code fsync}, and prints
 * {@code ACK <batch> <size> <position>...} per acknowledged batch. One batch in five conflicts and is
 * refused. The parent kills it with SIGKILL at a random moment.
 */
public final class FieldNamesCrashMain {

    private FieldNamesCrashMain() {
    }

    /** The JSON of event {@code k} of batch {@code batch}: a name of its own holding a value derived from both. */
    static String json(long batch, int k) {
        return "{\"b" + batch + "k" + k + "\":{\"v\":" + (batch * 10 + k) + "},\"batch\":" + batch + ",\"k\":" + k + "}";
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        EventStore store = EventStore.open(dir, StoreOptions.builder().durability(Durability.fsync())
                .segmentBytes(256 * 1024).build());
        AtomicLong batches = new AtomicLong(seed * 1_000_000L);
        synchronized (out) {
            out.println("READY " + store.lastPosition());
            out.flush();
        }
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Random random = new Random(seed * 31 + t);
            threads.add(Thread.ofPlatform().start(() -> {
                while (true) {
                    long batch = batches.incrementAndGet();
                    int size = 1 + random.nextInt(4);
                    boolean refused = random.nextInt(5) == 0;
                    FieldDictionary draft = store.dictionary().draft();
                    List<NewEvent> events = new ArrayList<>(size);
                    for (int k = 0; k < size; k++) {
                        events.add(NewEvent.builder().eventType("names.test").entityId("e" + random.nextInt(10))
                                .expectedVersion(refused ? ExpectedVersion.exact(Long.MAX_VALUE) : ExpectedVersion.any())
                                .payload(JsonCodec.defaults().parse(draft, json(batch, k))).build());
                    }
                    List<AppendResult> results;
                    try {
                        results = store.append(events);
                    } catch (ConcurrencyConflictException expected) {
                        continue;
                    }
                    StringBuilder line = new StringBuilder("ACK ").append(batch).append(' ').append(size);
                    for (AppendResult r : results) {
                        line.append(' ').append(r.position());
                    }
                    synchronized (out) {
                        out.println(line);
                        out.flush();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
