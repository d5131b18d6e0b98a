package dev.peregrine.bench.store;

import dev.peregrine.record.Record;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.List;

/**
 * Heap bytes per stored event and reopen time, at a size given on the command line (default
 * 1,000,000 events of AllSource's workload). Heap is measured as live heap after a full GC, before and
 * after loading: once right after ingest, once after a reopen (indexes loaded from the checkpoint),
 * and the index structures' own estimate ({@link EventStore#diagnostics()}: the heap they take, and
 * the mapped scratch memory their numbers live in).
 *
 * <p>Not a JMH benchmark because it measures one large state, not a repeated operation; run it with
 * {@code java -cp bench/target/benchmarks.jar dev.peregrine.bench.store.HeapPerEventMain 10000000}.
 */
public final class HeapPerEventMain {

    private HeapPerEventMain() {
    }

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = BenchStores.tempDir();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try {
            long ingestNanos;
            try (EventStore store = BenchStores.open(dir, Durability.none(), 0)) {
                List<Record> payloads = BenchStores.payloads(store, 1000);
                long baselineWithPayloads = liveHeap(memory);
                long start = System.nanoTime();
                for (int done = 0; done < events; done += 1_000_000) {
                    BenchStores.fill(store, Math.min(1_000_000, events - done), payloads);
                    System.out.printf("  ingested %,d events%n", Math.min(events, done + 1_000_000));
                }
                ingestNanos = System.nanoTime() - start;
                long after = liveHeap(memory);
                System.out.printf("events: %,d; ingest (batches of 1,000, durability none): %.2f s = %,.0f events/s%n",
                        events, ingestNanos / 1e9, events / (ingestNanos / 1e9));
                System.out.printf("live heap per event after ingest: %.1f bytes (measured: %,d bytes over %,d events)%n",
                        (after - baselineWithPayloads) / (double) events, after - baselineWithPayloads, events);
                System.out.printf("index structures' own estimate: %.1f heap bytes per event, %.1f mapped bytes per event%n",
                        store.diagnostics().indexHeapBytes() / (double) events,
                        store.diagnostics().indexMappedBytes() / (double) events);
                System.out.printf("bytes on disk: %,d in %d segments%n", store.stats().bytesOnDisk(), store.stats().segments());
            }
            long start = System.nanoTime();
            try (EventStore store = BenchStores.open(dir, Durability.none(), 0)) {
                long reopenNanos = System.nanoTime() - start;
                System.out.printf("reopen (CRC check of every entry + index checkpoint load): %.2f s%n", reopenNanos / 1e9);
                System.out.printf("index structures' own estimate after reopen: %.1f heap bytes per event, %.1f mapped"
                                + " bytes per event%n", store.diagnostics().indexHeapBytes() / (double) events,
                        store.diagnostics().indexMappedBytes() / (double) events);
                if (store.lastPosition() != events) {
                    throw new IllegalStateException("reopened store has " + store.lastPosition() + " events");
                }
            }
        } finally {
            BenchStores.delete(dir);
        }
    }

    /** Heap in use after three full collections: what the live objects take. */
    static long liveHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
