package dev.peregrine.store;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writers of a crash-test child JVM: prints {@code READY <last position>}, then four threads
 * append batches forever and print {@code ACK <batch> <size> <position>...} per acknowledged batch,
 * flushed at once so that a kill can cut only the last line short. The parent kills the child.
 */
final class CrashWriters {

    /** Makes the events of one batch. */
    @FunctionalInterface
    interface Batches {
        /**
         * @param batch the batch's id, unique across rounds of the same seed
         * @param random this writer's seeded randomness
         * @return the events; a batch made to conflict is refused and not acknowledged
         */
        List<NewEvent> make(long batch, Random random);
    }

    private CrashWriters() {
    }

    static void run(EventStore store, long seed, Batches batches) throws InterruptedException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        AtomicLong ids = new AtomicLong(seed * 1_000_000L);
        print(out, "READY " + store.lastPosition());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Random random = new Random(seed * 31 + t);
            threads.add(Thread.ofPlatform().start(() -> {
                while (true) {
                    long batch = ids.incrementAndGet();
                    try {
                        StringBuilder line = new StringBuilder("ACK ").append(batch);
                        List<AppendResult> results = store.append(batches.make(batch, random));
                        line.append(' ').append(results.size());
                        results.forEach(r -> line.append(' ').append(r.position()));
                        print(out, line.toString());
                    } catch (ConcurrencyConflictException refused) {
                        // made to be refused: nothing to acknowledge
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Prints a line and flushes it at once, whole: a kill can only cut the last line short. */
    static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
