package dev.peregrine.store.subscription.internal;

import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.feed.internal.LogSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each newly committed event from the log once and offers it to every live subscription's
 * bounded buffer. The store's commit listener only unparks this thread, so appends never wait for
 * subscribers; a full buffer is never waited on either: its subscription is detached and falls back to
 * reading the log itself ({@link LiveSubscription}).
 *
 * <p>The switch from catch-up to live is exact: under this object's monitor, {@link #attach} returns
 * {@link #dispatched} (every event up to it was offered to the subscriptions attached then), and every
 * later event is offered to the newly attached one. The subscription reads the log up to that position
 * and then takes the rest from its buffer: no gap, and positions it already has are skipped.
 */
final class LiveDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(LiveDispatcher.class);
    private static final long BATCH = 4_096;

    private final LogSource source;
    private final Thread thread;
    private final AutoCloseable commitRegistration;
    private final List<LiveSubscription> attached = new ArrayList<>();
    private LiveSubscription[] snapshot = new LiveSubscription[0];
    private long dispatched;
    private volatile boolean closed;

    LiveDispatcher(LogSource source) {
        this.source = source;
        this.dispatched = source.lastPosition();
        this.thread = Thread.ofPlatform().name("peregrine-subscriptions").daemon().unstarted(this::run);
        this.commitRegistration = source.onCommit(() -> LockSupport.unpark(thread));
        thread.start();
    }

    /**
     * Attaches a subscription to the live feed.
     *
     * @param sub the subscription
     * @return the last position dispatched before it was attached: the subscription must read the log
     *     up to here itself
     */
    synchronized long attach(LiveSubscription sub) {
        attached.add(sub);
        snapshot = attached.toArray(new LiveSubscription[0]);
        return dispatched;
    }

    synchronized void detach(LiveSubscription sub) {
        if (attached.remove(sub)) {
            snapshot = attached.toArray(new LiveSubscription[0]);
        }
    }

    private void run() {
        while (!closed) {
            try {
                long last = source.lastPosition();
                long from;
                synchronized (this) {
                    from = dispatched + 1;
                    if (from > last) {
                        from = -1;
                    } else if (attached.isEmpty()) {
                        dispatched = last; // nobody to offer to: skip reading
                        from = -1;
                    }
                }
                if (from < 0) {
                    LockSupport.parkNanos(this, 100_000_000L);
                    continue;
                }
                long to = Math.min(last, from + BATCH - 1);
                source.read(from, to, this::offer);
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.error("subscriptions: dispatching failed after position {}; retrying in 1 s", dispatched, e);
                LockSupport.parkNanos(this, 1_000_000_000L);
            }
        }
    }

    /** Offers one event to every attached subscription, then records it as dispatched, atomically. */
    private synchronized void offer(StoredEvent e) {
        for (LiveSubscription s : snapshot) {
            if (!s.offer(e)) {
                detach(s);
            }
        }
        dispatched = e.position();
    }

    void close() {
        closed = true;
        try {
            commitRegistration.close();
        } catch (Exception e) {
            LOG.warn("subscriptions: cannot unregister the commit listener", e);
        }
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
