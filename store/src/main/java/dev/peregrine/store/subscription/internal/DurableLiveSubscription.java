package dev.peregrine.store.subscription.internal;

import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.subscription.DurableSubscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.subscription.SubscriptionListener;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link LiveSubscription} whose acknowledged position is persisted in a
 * {@link SubscriptionStateLayout} file on every {@link #ack} that moves it. Thread-safe: {@link #ack}
 * may be called from any thread.
 */
final class DurableLiveSubscription extends LiveSubscription implements DurableSubscription {

    private final String name;
    private final Path file;
    private final CommittedLog log;
    private volatile long acknowledged;

    DurableLiveSubscription(CommittedLog log, LiveDispatcher dispatcher, String name, Path file, long acknowledged,
                            SubscriptionFilter filter, SubscriptionListener listener, int bufferCapacity,
                            Runnable onEnd) {
        super(log, dispatcher, acknowledged + 1, filter, listener, bufferCapacity, name, onEnd);
        this.name = name;
        this.file = file;
        this.log = log;
        this.acknowledged = acknowledged;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void ack(long position) {
        if (position <= acknowledged) {
            return;
        }
        long last = log.visiblePosition();
        if (position > last) {
            throw new InvalidEventException("position", "cannot acknowledge position " + position
                    + ": the log ends at " + last);
        }
        SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_DURABLE, position, List.of(), null);
        acknowledged = position;
    }

    @Override
    public long acknowledgedPosition() {
        return acknowledged;
    }
}
