package dev.peregrine.store.subscription.internal;

import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.ParkedEvent;
import dev.peregrine.store.subscription.SubscriptionListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A consumer group: one internal subscription (from the persisted checkpoint + 1) fills a window of
 * unsettled events; members pull from a ready queue that holds, per entity, only the oldest unsettled
 * event, so one entity's events are processed one at a time and in order while different entities go
 * to different members.
 *
 * <p>Settling: {@link Delivery#ack()} settles; {@link Delivery#nack(String)} puts the event back at the
 * front of the ready queue, or parks it once it has been delivered {@link GroupOptions#maxAttempts()}
 * times (a delivery not settled within the ack timeout counts as a failed attempt). The checkpoint is
 * the position just below the oldest unsettled event (or the last event received when none is
 * unsettled); it and the parked list are persisted whenever they change. After a restart, events
 * above the checkpoint are delivered again (at least once).
 *
 * <p><b>Durability.</b> A call that changes the persisted state ({@link Delivery#ack()},
 * {@link Delivery#nack(String)} that parks, {@link GroupMember#poll} that parks an expired delivery)
 * returns only once a state at least as new as its change is on disk. The state is snapshotted under
 * the lock and written outside it by a {@link GroupStateWriter} (one writer, newest state wins), so
 * members never wait for the disk while holding the lock, and the acks that arrive while one write
 * runs share the next one.
 *
 * <p>Replaying a parked event delivers it again without holding back the checkpoint; it stays in the
 * persisted parked list until it is acknowledged.
 *
 * <p>Thread-safety: all state is guarded by {@link #lock}, except the file, written by
 * {@link #writer} after the lock is released.
 */
final class ConsumerGroupImpl implements ConsumerGroup {

    private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String name;
    private final GroupOptions options;
    private final GroupStateWriter writer;
    private final CommittedLog log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private final TreeMap<Long, Pending> unsettled = new TreeMap<>();
    private final Map<String, ArrayDeque<Pending>> byEntity = new HashMap<>();
    private final ArrayDeque<Pending> ready = new ArrayDeque<>();
    private final Set<Pending> inFlight = new HashSet<>();
    private final TreeMap<Long, ParkedEvent> parked = new TreeMap<>();
    private final Set<Long> replaying = new HashSet<>();
    private final Map<String, Member> members = new HashMap<>();
    private final LiveSubscription feed;
    private long checkpoint;
    private long received;
    private long deliveries;
    /** The generation of the last snapshot offered: incremented by every change of the persisted state. */
    private long generation;
    private boolean closed;

    ConsumerGroupImpl(String name, GroupOptions options, Path file, CommittedLog log, SubscriptionManager manager) {
        this.name = name;
        this.options = options;
        this.log = log;
        SubscriptionStateFile.read(file).ifPresent(state -> {
            checkpoint = manager.clampToLog(name, state.position());
            state.parked().forEach(p -> parked.put(p.position(), p));
        });
        received = checkpoint;
        this.writer = new GroupStateWriter(file, snapshot());
        this.feed = manager.startFeed(name, checkpoint + 1, options.filter(), new Feed());
    }

    /** One unsettled event. */
    private static final class Pending {
        final StoredEvent event;
        final boolean replay;
        int attempts;
        long deliveryId;
        long deadline;
        Member member;

        Pending(StoredEvent event, boolean replay) {
            this.event = event;
            this.replay = replay;
        }
    }

    /** Receives the group's events from its internal subscription, waiting while the window is full. */
    private final class Feed implements SubscriptionListener {
        @Override
        public void onEvent(StoredEvent event) throws InterruptedException {
            lock.lock();
            try {
                while (unsettled.size() >= options.maxInFlight() && !closed) {
                    changed.await(MAX_WAIT_SLICE_NANOS, TimeUnit.NANOSECONDS);
                }
                received = event.position();
                if (closed || parked.containsKey(event.position())) {
                    return; // a parked event is settled; after a restart the feed may pass it again
                }
                Pending p = new Pending(event, false);
                unsettled.put(event.position(), p);
                ArrayDeque<Pending> queue = byEntity.computeIfAbsent(event.entityId(), k -> new ArrayDeque<>());
                queue.addLast(p);
                if (queue.size() == 1) {
                    ready.addLast(p);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public GroupOptions options() {
        return options;
    }

    @Override
    public GroupMember join(String memberId) {
        lock.lock();
        try {
            if (closed) {
                throw new StateConflictException("consumer group '" + name + "' is closed");
            }
            if (members.containsKey(memberId)) {
                throw new StateConflictException("member '" + memberId + "' is already in group '" + name + "'");
            }
            Member m = new Member(memberId);
            members.put(memberId, m);
            return m;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long acknowledgedPosition() {
        lock.lock();
        try {
            return checkpoint;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ParkedEvent> parked() {
        lock.lock();
        try {
            return List.copyOf(parked.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean replayParked(long position) {
        lock.lock();
        try {
            if (!parked.containsKey(position) || replaying.contains(position)) {
                return false;
            }
            StoredEvent[] found = new StoredEvent[1];
            log.read(position, position, e -> found[0] = e.toStoredEvent());
            if (found[0] == null) {
                return false; // a scavenge removed the event since it was parked: nothing left to replay
            }
            replaying.add(position);
            ready.addLast(new Pending(found[0], true));
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int replayAllParked() {
        lock.lock();
        try {
            int n = 0;
            for (Long position : new ArrayList<>(parked.keySet())) {
                if (replayParked(position)) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    private Optional<Delivery> poll(Member member, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<Delivery> delivery;
        long changedTo;
        lock.lockInterruptibly();
        try {
            long before = generation;
            delivery = next(member, deadline);
            // Parking an expired delivery changed the persisted state: wait for it below, unlocked.
            changedTo = generation > before ? generation : 0;
        } finally {
            lock.unlock();
        }
        writer.awaitDurable(changedTo);
        return delivery;
    }

    /** Hands out the next ready event, waiting until the deadline. Caller holds the lock. */
    private Optional<Delivery> next(Member member, long deadline) throws InterruptedException {
        while (true) {
            if (closed || member.left) {
                throw new StateConflictException("member '" + member.id + "' of group '" + name + "' is closed");
            }
            expireOverdue();
            Pending p = ready.pollFirst();
            if (p != null) {
                p.attempts++;
                p.deliveryId = ++deliveries;
                p.member = member;
                p.deadline = System.nanoTime() + options.ackTimeout().toNanos();
                inFlight.add(p);
                return Optional.of(new GroupDelivery(p, p.deliveryId));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            changed.await(Math.min(left, MAX_WAIT_SLICE_NANOS), TimeUnit.NANOSECONDS);
        }
    }

    /** Unsettled deliveries past their ack timeout fail their attempt. Caller holds the lock. */
    private void expireOverdue() {
        long now = System.nanoTime();
        for (Iterator<Pending> it = inFlight.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (now - p.deadline > 0) {
                it.remove();
                fail(p, "not acknowledged within " + options.ackTimeout());
            }
        }
    }

    /** A delivery failed: retry at the front, or park. Caller holds the lock; p is not in flight. */
    private void fail(Pending p, String reason) {
        p.member = null;
        p.deliveryId = 0;
        if (p.attempts >= options.maxAttempts()) {
            parked.put(p.event.position(), new ParkedEvent(p.event.position(), p.event.entityId(),
                    p.event.eventType(), p.attempts, reason));
            replaying.remove(p.event.position());
            settle(p, true);
        } else {
            ready.addFirst(p);
            changed.signalAll();
        }
    }

    /** Removes a settled event and hands its entity's next one out. Caller holds the lock. */
    private void settle(Pending p, boolean parkedChanged) {
        long position = p.event.position();
        if (p.replay) {
            replaying.remove(position);
            persist();
            changed.signalAll();
            return;
        }
        unsettled.remove(position);
        ArrayDeque<Pending> queue = byEntity.get(p.event.entityId());
        queue.pollFirst();
        if (queue.isEmpty()) {
            byEntity.remove(p.event.entityId());
        } else {
            ready.addLast(queue.peekFirst());
        }
        long newCheckpoint = unsettled.isEmpty() ? received : unsettled.firstKey() - 1;
        if (newCheckpoint > checkpoint || parkedChanged) {
            checkpoint = Math.max(checkpoint, newCheckpoint);
            persist();
        }
        changed.signalAll();
    }

    /** The persisted state changed: offer a snapshot of it to the writer. Caller holds the lock. */
    private void persist() {
        generation++;
        writer.offer(snapshot());
    }

    /** The persisted state as it is now. Caller holds the lock (or is the constructor). */
    private GroupStateWriter.Snapshot snapshot() {
        return new GroupStateWriter.Snapshot(generation, checkpoint, List.copyOf(parked.values()));
    }

    /**
     * Settles under the lock, then waits, unlocked, until the state that reflects the settlement is on
     * disk. An ack that does not move the checkpoint changes nothing persisted and returns at once
     * (unless an earlier write failed: then it retries the newest state).
     */
    private void settleDelivery(Pending p, long deliveryId, String nackReason) {
        long mustBeDurable;
        lock.lock();
        try {
            if (p.deliveryId != deliveryId || !inFlight.remove(p)) {
                return; // expired and handed to another member meanwhile: that delivery owns it now
            }
            if (nackReason == null) {
                if (p.replay) {
                    parked.remove(p.event.position());
                }
                p.member = null;
                settle(p, p.replay);
            } else {
                fail(p, nackReason);
            }
            mustBeDurable = generation;
        } finally {
            lock.unlock();
        }
        writer.awaitDurable(mustBeDurable);
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        feed.close();
    }

    /** A member pulling deliveries. */
    private final class Member implements GroupMember {
        final String id;
        boolean left;

        Member(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Optional<Delivery> poll(Duration timeout) throws InterruptedException {
            return ConsumerGroupImpl.this.poll(this, timeout);
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (left) {
                    return;
                }
                left = true;
                members.remove(id);
                // Hand this member's unsettled deliveries back, oldest first; the attempt is not
                // counted against the event, since the member left rather than failed.
                List<Pending> mine = new ArrayList<>();
                for (Iterator<Pending> it = inFlight.iterator(); it.hasNext(); ) {
                    Pending p = it.next();
                    if (p.member == this) {
                        it.remove();
                        mine.add(p);
                    }
                }
                mine.sort((a, b) -> Long.compare(b.event.position(), a.event.position()));
                for (Pending p : mine) {
                    p.attempts--;
                    p.member = null;
                    p.deliveryId = 0;
                    ready.addFirst(p);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** One hand-out of an event; settling it twice is an error. */
    private final class GroupDelivery implements Delivery {
        private final Pending pending;
        private final long id;
        private final int attempt;
        private boolean settled;

        GroupDelivery(Pending pending, long id) {
            this.pending = pending;
            this.id = id;
            this.attempt = pending.attempts;
        }

        @Override
        public StoredEvent event() {
            return pending.event;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public void ack() {
            settleOnce();
            settleDelivery(pending, id, null);
        }

        @Override
        public void nack(String reason) {
            settleOnce();
            settleDelivery(pending, id, reason == null ? "nack" : reason);
        }

        private synchronized void settleOnce() {
            if (settled) {
                throw new StateConflictException("delivery of position " + pending.event.position()
                        + " was settled already");
            }
            settled = true;
        }
    }
}
