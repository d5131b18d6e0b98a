package dev.peregrine.store.feed.internal;

import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.internal.EventReader;
import dev.peregrine.store.internal.StoreEngine;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The {@link LogSource} of an open store: its visible end (acknowledged under the durability policy),
 * its raw log (every entry in position order, tombstones and the events they hide included: the log
 * is immutable) and the sequencer's commit listeners. This is the store's internal route to the raw
 * log and to commits; neither is public API. Thread-safe, as the store is.
 */
public final class EventStoreLogSource implements LogSource {

    private final StoreEngine engine;

    /** @param engine the open store's parts */
    public EventStoreLogSource(StoreEngine engine) {
        this.engine = engine;
    }

    @Override
    public Path directory() {
        return engine.directory();
    }

    @Override
    public long lastPosition() {
        return engine.lastPosition();
    }

    /**
     * @throws IllegalStateException if {@code to} is beyond the visible end of the log
     * @throws dev.peregrine.store.StorageFailureException if the store is closed
     */
    @Override
    public long read(long from, long to, Consumer<StoredEvent> sink) {
        engine.checkOpen();
        EventReader reader = engine.reader();
        long visible = engine.lastPosition();
        for (long p = from; p <= to; p++) {
            if (p > visible && p > (visible = engine.lastPosition())) {
                throw new IllegalStateException("the log ends before position " + p + " (asked up to " + to
                        + ", last position " + visible + ")");
            }
            sink.accept(reader.read(p));
        }
        return Math.max(0, to - from + 1);
    }

    @Override
    public AutoCloseable onCommit(Runnable wake) {
        LongConsumer listener = position -> wake.run();
        engine.sequencer().addListener(listener);
        return () -> engine.sequencer().removeListener(listener);
    }
}
