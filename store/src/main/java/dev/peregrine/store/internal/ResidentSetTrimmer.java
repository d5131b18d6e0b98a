package dev.peregrine.store.internal;

import dev.peregrine.store.index.IndexMemory;
import dev.peregrine.store.index.MappedIndexMemory;
import dev.peregrine.store.log.SegmentedLog;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store's mapped files from filling the process's resident set: every interval it drops
 * the pages of every log segment mapping and of the index memory's chunks from this process's page
 * tables (not the event-id table, which appends keep hot: {@link MappedIndexMemory} says why).
 *
 * <p>Why. A mapped page counts in the process's RSS for as long as it stays mapped, and the store
 * reads what it appends (projections, views, subscriptions, queries), so without this the RSS of a
 * long-running server grows with the whole log and its indexes (measured: 234 to 615 MiB in a
 * 10-minute soak whose heap stayed flat). Those are file pages the kernel could reclaim, but they
 * look like the process's memory to every monitor, and mapped pages are the last the kernel takes.
 * After a release, the RSS is the anonymous memory (heap, code, stacks) plus what was touched since:
 * the working set of one interval.
 *
 * <p>Nothing is lost by a release: the pages stay in the kernel's page cache (written ones too; the
 * kernel writes them back as before), and the next access maps a page again with a minor fault, on
 * the order of a microsecond. Readers and writers go on during a release. Its cost is those faults,
 * one per 4 KiB page touched again after a release.
 *
 * <p>One daemon thread per store, {@code peregrine-resident-trim} (a scheduled executor's), started
 * by the constructor and stopped by {@link #close()}; none when the interval is zero.
 */
final class ResidentSetTrimmer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResidentSetTrimmer.class);

    private final SegmentedLog log;
    private final IndexMemory indexMemory;
    private final ScheduledExecutorService scheduler;
    private boolean warned; // the scheduler's one thread only

    /**
     * @param log the log whose segment mappings are released
     * @param indexMemory the indexes' memory
     * @param interval time between two releases; {@link Duration#ZERO} for none
     */
    ResidentSetTrimmer(SegmentedLog log, IndexMemory indexMemory, Duration interval) {
        this.log = log;
        this.indexMemory = indexMemory;
        if (interval.isZero()) {
            this.scheduler = null;
        } else {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(
                    task -> Thread.ofPlatform().name("peregrine-resident-trim").daemon().unstarted(task));
            long nanos = interval.toNanos();
            scheduler.scheduleWithFixedDelay(this::releaseNow, nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Drops the pages now. A failure (an {@code madvise} the kernel refuses) is logged once and
     * otherwise ignored: the pages simply stay resident.
     */
    private void releaseNow() {
        try {
            log.releaseResident();
            indexMemory.releaseResident();
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot release the store's mapped pages from the resident set; they stay resident: {}",
                        e.toString());
            }
        }
    }

    @Override
    public void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
