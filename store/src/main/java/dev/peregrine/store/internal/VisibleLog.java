package dev.peregrine.store.internal;

import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.follow.LogCursor;
import dev.peregrine.store.follow.LogEntry;
import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.index.LongPagedList;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The engine's {@link CommittedLog}: the log up to the sequencer's visible position, read with
 * {@link EntryCursor}s (which judge retention with the given policy), and the sequencer's commit
 * listeners as the wake-up. Thread-safe.
 */
final class VisibleLog implements CommittedLog {

    private final Sequencer sequencer;
    private final EventReader reader;
    private final RetentionPolicy retention;
    private final LogIndexes indexes;

    VisibleLog(Sequencer sequencer, EventReader reader, RetentionPolicy retention, LogIndexes indexes) {
        this.sequencer = sequencer;
        this.indexes = indexes;
        this.reader = reader;
        this.retention = retention;
    }

    @Override
    public long visiblePosition() {
        return sequencer.visiblePosition();
    }

    @Override
    public LogCursor cursor() {
        return new EntryCursor(reader, retention, sequencer::visiblePosition);
    }

    @Override
    public void readLive(String entityId, long before, Consumer<? super LogEntry> sink) {
        long visible = sequencer.visiblePosition();
        if (before < 1 || before > visible + 1) {
            throw new IllegalArgumentException("cannot read before position " + before
                    + ": the log is visible from 1 to " + visible);
        }
        EntityStream stream = indexes.stream(entityId);
        if (stream == null) {
            return;
        }
        long range = stream.liveRange(before - 1);
        LongPagedList positions = stream.positions();
        LogCursor cursor = cursor();
        for (int i = (int) (range >>> 32), to = (int) range; i < to; i++) {
            if (!cursor.moveTo(positions.get(i)).isRemoved()) {
                sink.accept(cursor);
            }
        }
    }

    @Override
    public AutoCloseable onCommit(Runnable wake) {
        LongConsumer listener = position -> wake.run();
        sequencer.addListener(listener);
        return () -> sequencer.removeListener(listener);
    }
}
