package dev.peregrine.store.internal;

import dev.peregrine.store.EventStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Automatic snapshots ({@link dev.peregrine.store.StoreOptions#snapshotEvery()}): each time an
 * entity's stream version reaches a multiple of the interval, a snapshot of it at that event is
 * taken on a worker thread of its own, once the event is visible.
 *
 * <p>The write path reports each new stream version ({@link #indexed}); boundaries are held until
 * the sequencer publishes the group that wrote them, which it announces to its listeners, this one
 * among them ({@link #accept}). Taking the snapshot reads the log up to that event, so it must not
 * start before the event is visible; and it runs on the worker so that it never delays an append.
 *
 * <p>Thread safety: {@link #indexed} and {@link #accept} on the sequencer thread only;
 * {@link #close} once, after the sequencer stopped.
 */
final class AutoSnapshots implements LongConsumer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AutoSnapshots.class);

    /** An entity that reached a snapshot boundary at a position. */
    private record Due(String entityId, long position) {
    }

    private final int every;
    private final StateReconstructor states;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
            .name("peregrine-snapshots").daemon(true).unstarted(r));
    private final List<Due> due = new ArrayList<>();

    /**
     * @param every events per entity between snapshots; 0 for none
     * @param states takes the snapshots
     */
    AutoSnapshots(int every, StateReconstructor states) {
        this.every = every;
        this.states = states;
    }

    /**
     * Notes a new stream version, written but not yet visible. Sequencer thread.
     *
     * @param entityId the entity
     * @param version its stream version after the event (0 after a tombstone: never a boundary)
     * @param position the event's position
     */
    void indexed(String entityId, long version, long position) {
        if (every > 0 && version > 0 && version % every == 0) {
            due.add(new Due(entityId, position));
        }
    }

    /**
     * Hands the boundaries noted so far to the worker: called by the sequencer with each new visible
     * position, which covers every one of them.
     *
     * @param visiblePosition the new visible position
     */
    @Override
    public void accept(long visiblePosition) {
        for (Due d : due) {
            worker.execute(() -> take(d));
        }
        due.clear();
    }

    private void take(Due d) {
        try {
            states.snapshot(d.entityId(), d.position());
        } catch (EventStoreException e) {
            LOG.debug("automatic snapshot of {} at {} skipped: {}", d.entityId(), d.position(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("automatic snapshot of {} at {} failed", d.entityId(), d.position(), e);
        }
    }

    /** Lets snapshots already handed over finish (up to 30 s), then stops the worker. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("snapshot worker did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
