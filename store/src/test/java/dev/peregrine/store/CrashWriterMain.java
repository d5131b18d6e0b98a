package dev.peregrine.store;

import dev.peregrine.record.JsonCodec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child process of {@link CrashRecoveryTest}: appends batches with {@code fsync} from several threads
 * forever, printing one line per acknowledged batch: {@code ACK <batch id> <size> <position>...}.
 * The parent kills it with SIGKILL at a random moment.
 */
public final class CrashWriterMain {

    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        EventStore store = EventStore.open(dir, StoreOptions.builder().durability(Durability.fsync())
                .segmentBytes(256 * 1024).snapshotEvery(7).followerCheckpointEvery(40).build());
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
                    int size = 1 + random.nextInt(5);
                    List<NewEvent> events = new ArrayList<>(size);
                    for (int k = 0; k < size; k++) {
                        String json = "{\"batch\":" + batch + ",\"k\":" + k + ",\"size\":" + size
                                + ",\"pad\":\"" + "x".repeat(random.nextInt(400)) + "\"}";
                        events.add(NewEvent.builder().eventType("crash.test").entityId("e" + random.nextInt(10))
                                .payload(JsonCodec.defaults().parse(store.dictionary(), json)).build());
                    }
                    List<AppendResult> results = store.append(events);
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
