package dev.peregrine.store.subscription.internal;

import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.follow.LogConsumer;
import dev.peregrine.store.follow.LogEntry;
import dev.peregrine.store.follow.LogFollower;
import java.util.ArrayList;
import java.util.List;

/**
 * Offers each newly committed event once to every live subscription's bounded buffer: the consumer of
 * one {@link LogFollower} (thread {@code peregrine-subscriptions}) that starts at the end of the log.
 * Appends never wait for subscribers; a full buffer is never waited on either: its subscription is
 * detached and falls back to reading the log itself ({@link LiveSubscription}).
 *
 * <p>The switch from catch-up to live is exact: under this object's monitor, {@link #attach} returns
 * {@link #dispatched} (every event up to it was offered to the subscriptions attached then), and every
 * later event is offered to the newly attached one. The subscription reads the log up to that position
 * and then takes the rest from its buffer: no gap, and positions it already has are skipped.
 */
final class LiveDispatcher implements LogConsumer {

    private final List<LiveSubscription> attached = new ArrayList<>();
    private final LogFollower follower;
    private LiveSubscription[] snapshot = new LiveSubscription[0];
    private long dispatched;

    LiveDispatcher(CommittedLog log) {
        this.dispatched = log.visiblePosition();
        this.follower = LogFollower.builder("subscriptions", log, this).from(dispatched).start();
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

    /** Nobody to offer to: the entries are passed over unread, and a later attach reads them from the log. */
    @Override
    public synchronized boolean skip(long through) {
        if (!attached.isEmpty()) {
            return false;
        }
        dispatched = through;
        return true;
    }

    /**
     * Offers one entry to every attached subscription, then records it as dispatched, atomically.
     * The entry becomes a {@code StoredEvent} at most once, shared by the subscriptions that accept it.
     */
    @Override
    public synchronized void accept(LogEntry entry) {
        StoredEvent event = null;
        for (LiveSubscription s : snapshot) {
            StoredEvent offered = null;
            if (s.accepts(entry)) {
                if (event == null) {
                    event = entry.toStoredEvent();
                }
                offered = event;
            }
            if (!s.offer(entry.position(), offered)) {
                detach(s);
            }
        }
        dispatched = entry.position();
    }

    void close() {
        follower.close();
    }
}
