package dev.peregrine.store.internal;

import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.follow.LogCursor;
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

    VisibleLog(Sequencer sequencer, EventReader reader, RetentionPolicy retention) {
        this.sequencer = sequencer;
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
    public AutoCloseable onCommit(Runnable wake) {
        LongConsumer listener = position -> wake.run();
        sequencer.addListener(listener);
        return () -> sequencer.removeListener(listener);
    }
}
