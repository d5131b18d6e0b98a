package dev.peregrine.store.subscription.internal;

import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.follow.LogEntry;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.subscription.SubscriptionListener;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription, run on its own virtual thread as a small state machine:
 *
 * <ol>
 *   <li><b>Catch up</b>: read the log from {@code next} to its committed end, delivering accepted
 *       events.</li>
 *   <li><b>Attach</b> to the {@link LiveDispatcher}, which returns the last position it dispatched;
 *       read the log up to there too.</li>
 *   <li><b>Live</b>: take events from the bounded buffer the dispatcher fills, skipping any position
 *       already delivered.</li>
 *   <li><b>Fall back</b>: when the buffer overflowed (the listener is slower than the writers), the
 *       dispatcher detached the subscription instead of waiting; once the buffer is drained, go back
 *       to 1 from the first position not yet examined.</li>
 * </ol>
 *
 * Positions only grow, so each event is delivered once and in order, and the writer never waits.
 * Thread-safety: {@link #offer} runs on the dispatcher thread; everything else on the subscription's
 * thread; the volatile fields are read from any thread.
 */
class LiveSubscription implements Subscription {


    private static final Logger LOG = LoggerFactory.getLogger(LiveSubscription.class);
    private static final long BATCH = 1_024;
    private static final long POLL_MILLIS = 100;

    private final CommittedLog log;
    private final LiveDispatcher dispatcher;
    private final SubscriptionFilter filter;
    /** The filter accepts everything: no need to look at an entry's strings to test it. */
    private final boolean acceptsAll;
    private final SubscriptionListener listener;
    private final ArrayBlockingQueue<StoredEvent> buffer;
    private final Runnable onEnd;
    private final Thread thread;

    /** The next position to examine; only the subscription's thread writes it. */
    private volatile long next;
    /** Set by the dispatcher: every position up to here was filtered out or buffered. */
    private volatile long scanned;
    private volatile boolean overflowed;
    private volatile boolean live;
    private volatile boolean closed;
    private volatile long fallbacks;

    /**
     * @param start the first position to examine
     * @param bufferCapacity the live buffer's size
     * @param onEnd run once when the subscription ends, on its thread; may be null
     */
    LiveSubscription(CommittedLog log, LiveDispatcher dispatcher, long start, SubscriptionFilter filter,
                     SubscriptionListener listener, int bufferCapacity, String name, Runnable onEnd) {
        this.log = log;
        this.dispatcher = dispatcher;
        this.filter = filter;
        this.acceptsAll = filter.equals(SubscriptionFilter.ALL);
        this.listener = listener;
        this.buffer = new ArrayBlockingQueue<>(bufferCapacity);
        this.onEnd = onEnd;
        this.next = start;
        this.thread = Thread.ofVirtual().name("peregrine-subscription-" + name).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /**
     * Dispatcher thread: offers a committed entry. Never blocks.
     *
     * @param position the entry's position
     * @param event the entry as an event if this subscription {@link #accepts} it, else {@code null}
     * @return false when the buffer is full or the subscription closed: the dispatcher detaches it
     */
    boolean offer(long position, StoredEvent event) {
        if (closed) {
            return false;
        }
        if (event != null && !buffer.offer(event)) {
            overflowed = true;
            return false;
        }
        scanned = position;
        return true;
    }

    /** @return whether this subscription's filter accepts the entry, and the retention rules keep it */
    boolean accepts(LogEntry e) {
        return (acceptsAll || filter.accepts(e.eventType(), e.entityId(), e.tenantId())) && !e.isExpired();
    }

    private void run() {
        Throwable cause = null;
        try {
            while (!closed) {
                catchUp(Long.MAX_VALUE);
                overflowed = false;
                buffer.clear();
                long dispatched = dispatcher.attach(this);
                catchUp(dispatched);
                live = true;
                listener.onLive(position());
                consumeLive();
                live = false;
                dispatcher.detach(this);
                if (!closed) {
                    fallbacks++;
                    next = Math.max(next, scanned + 1);
                    LOG.debug("subscription fell behind its live buffer at {}; reading the log", next);
                }
            }
        } catch (Stop s) {
            // closed while reading the log
        } catch (InterruptedException e) {
            // closed while waiting
        } catch (ListenerFailed f) {
            cause = f.getCause();
        } catch (Throwable t) {
            cause = t;
        } finally {
            live = false;
            closed = true;
            dispatcher.detach(this);
            try {
                listener.onClosed(cause);
            } catch (RuntimeException e) {
                LOG.warn("subscription listener's onClosed threw", e);
            }
            if (onEnd != null) {
                onEnd.run();
            }
        }
    }

    /**
     * Waits (at most 5 s) for the subscription's thread to end, after {@link #close()}. A listener
     * stuck in user code must not hang the store's close: it is interrupted, and left behind if it
     * ignores that.
     */
    void awaitEnd() {
        try {
            if (!thread.join(java.time.Duration.ofSeconds(5))) {
                thread.interrupt();
                LOG.warn("subscription thread {} did not stop within 5 s of close; interrupted it", thread.getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the log from {@code next} up to {@code limit} or its committed end. */
    private void catchUp(long limit) throws Exception {
        while (!closed) {
            long to = Math.min(limit, log.visiblePosition());
            if (next > to) {
                return;
            }
            long end = Math.min(to, next + BATCH - 1);
            log.read(next, end, this::deliverFromLog);
            next = end + 1;
        }
        throw new Stop();
    }

    private void deliverFromLog(LogEntry e) {
        if (closed) {
            throw new Stop();
        }
        if (accepts(e)) {
            try {
                listener.onEvent(e.toStoredEvent());
            } catch (Exception ex) {
                throw new ListenerFailed(ex);
            }
        }
        next = e.position() + 1;
    }

    private void consumeLive() throws Exception {
        while (!closed) {
            StoredEvent e = buffer.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (e == null) {
                if (overflowed && buffer.isEmpty()) {
                    return;
                }
                continue;
            }
            if (e.position() < next) {
                continue; // already read from the log before the switch
            }
            listener.onEvent(e);
            next = e.position() + 1;
        }
    }

    @Override
    public long position() {
        return next - 1;
    }

    @Override
    public boolean isLive() {
        return live;
    }

    @Override
    public long fallbacks() {
        return fallbacks;
    }

    @Override
    public void close() {
        closed = true;
        dispatcher.detach(this);
    }

    /** @return whether the subscription has ended */
    boolean isClosed() {
        return closed;
    }

    /** Unwinds a log read when the subscription closes. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }

    /** Carries a listener's checked exception out of a log read. */
    private static final class ListenerFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListenerFailed(Exception cause) {
            super(cause);
        }
    }
}
