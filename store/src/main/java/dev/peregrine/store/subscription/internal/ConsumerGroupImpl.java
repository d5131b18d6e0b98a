package dev.peregrine.store.subscription.internal;

import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupInfo;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.NackAction;
import dev.peregrine.store.subscription.ParkedEvent;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.SubscriptionListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * to different members. Which ready event a polling member may take is the strategy's choice
 * ({@link #take}), within the member's own in-flight limit.
 *
 * <p>Settling: {@link Delivery#ack()} and a {@link NackAction#SKIP skip} settle; a
 * {@link NackAction#RETRY retry} puts the event back at the front of the ready queue, or parks it once
 * it has been delivered {@link GroupOptions#maxAttempts()} times (a delivery not settled within the
 * ack timeout counts as a failed attempt); {@link NackAction#PARK park} parks it at once;
 * {@link NackAction#STOP stop} makes the member leave. The checkpoint is the position just below the
 * oldest unsettled event (or the last position the feed has passed when none is unsettled); it, the
 * parked list and the options are persisted whenever they change. After a restart, events above the
 * checkpoint are delivered again (at least once).
 *
 * <p><b>Durability.</b> A call that changes the persisted state (an ack or nack, a poll that parks an
 * expired delivery, {@link #update}) returns only once a state at least as new as its change is on
 * disk. The state is snapshotted under the lock and written outside it by a {@link GroupStateWriter}
 * (one writer, newest state wins), so members never wait for the disk while holding the lock, and the
 * acks that arrive while one write runs share the next one. A new group's file is written before the
 * group is returned, so its options and starting checkpoint survive a crash that follows.
 *
 * <p>Replaying a parked event delivers it again without holding back the checkpoint; it stays in the
 * persisted parked list until it is acknowledged or skipped.
 *
 * <p>Thread-safety: all state is guarded by {@link #lock}, except the file, written by
 * {@link #writer} after the lock is released.
 */
final class ConsumerGroupImpl implements ConsumerGroup {

    private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String name;
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
    /** In join order: the order {@link dev.peregrine.store.subscription.ConsumerStrategy#DISPATCH_TO_SINGLE} and pinning use. */
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final LiveSubscription feed;
    private GroupOptions options;
    private long checkpoint;
    private long received;
    private long deliveryIds;
    private long delivered;
    private long acked;
    private long nacked;
    private long timedOut;
    /** The generation of the last snapshot offered: incremented by every change of the persisted state. */
    private long generation;
    private boolean closed;

    /**
     * Opens a group from its persisted state, or creates it, writing its file before returning.
     *
     * @param persisted the state read from the group's file, if there is one
     * @param requested the options of a new group, or of one whose file predates persisted options
     * @throws InvalidEventException when a new group's start lies past the end of the log
     */
    ConsumerGroupImpl(String name, Path file, Optional<SubscriptionStateFile.State> persisted, GroupOptions requested,
                      CommittedLog log, SubscriptionManager manager) {
        this.name = name;
        this.log = log;
        boolean write;
        if (persisted.isPresent()) {
            SubscriptionStateFile.State state = persisted.get();
            checkpoint = manager.clampToLog(name, state.position());
            state.parked().forEach(p -> parked.put(p.position(), p));
            options = state.options().orElse(requested);
            write = state.options().isEmpty(); // upgrade a file that predates options now, so they are kept
        } else {
            options = requested;
            checkpoint = startingCheckpoint(requested.start(), log.visiblePosition());
            write = true;
        }
        received = checkpoint;
        if (write) {
            SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_GROUP, checkpoint,
                    List.copyOf(parked.values()), options);
        }
        this.writer = new GroupStateWriter(file, snapshot());
        this.feed = manager.startFeed(name, checkpoint + 1, options.filter(), new Feed());
    }

    private static long startingCheckpoint(StartPosition start, long head) {
        return switch (start) {
            case StartPosition.Now now -> head;
            case StartPosition.At at -> {
                if (at.position() - 1 > head) {
                    throw new InvalidEventException("start", "a consumer group cannot start at position "
                            + at.position() + ", past the end of the log (" + head + ")");
                }
                yield at.position() - 1;
            }
        };
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
        lock.lock();
        try {
            return options;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public GroupMember join(String memberId, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("a member's maxInFlight must be at least 1, got " + maxInFlight);
        }
        lock.lock();
        try {
            checkOpen();
            if (members.containsKey(memberId)) {
                throw new StateConflictException("member '" + memberId + "' is already in group '" + name + "'");
            }
            if (options.maxMembers() > 0 && members.size() >= options.maxMembers()) {
                throw new StateConflictException("consumer group '" + name + "' has its maximum of "
                        + options.maxMembers() + " members");
            }
            Member m = new Member(memberId, maxInFlight, System.currentTimeMillis());
            members.put(memberId, m);
            changed.signalAll(); // pinning and dispatch-to-single share the work anew
            return m;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void update(GroupOptions newOptions) {
        long mustBeDurable;
        lock.lock();
        try {
            checkOpen();
            if (!newOptions.filter().equals(options.filter())) {
                throw new InvalidEventException("filter", "the filter of consumer group '" + name
                        + "' cannot change: its checkpoint counts the events of " + options.filter());
            }
            options = newOptions;
            persist();
            changed.signalAll();
            mustBeDurable = generation;
        } finally {
            lock.unlock();
        }
        writer.awaitDurable(mustBeDurable);
    }

    @Override
    public long acknowledgedPosition() {
        lock.lock();
        try {
            return settledPosition();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every event at or below the returned position is settled: the position below the oldest
     * unsettled event or, with none, the last position the feed has passed (it skips the events the
     * filter does not accept without calling the group). Caller holds the lock.
     */
    private long settledPosition() {
        if (unsettled.isEmpty()) {
            return Math.max(checkpoint, Math.max(received, feed.position()));
        }
        return Math.max(checkpoint, unsettled.firstKey() - 1);
    }

    @Override
    public GroupInfo info() {
        lock.lock();
        try {
            List<GroupInfo.MemberInfo> list = new ArrayList<>(members.size());
            for (Member m : members.values()) {
                list.add(new GroupInfo.MemberInfo(m.id, m.joinedAtMillis, m.maxInFlight, m.inFlight, m.delivered,
                        m.acked, m.nacked));
            }
            long settled = settledPosition();
            long head = Math.max(settled, log.visiblePosition());
            int waiting = unsettled.size() + replaying.size() - inFlight.size();
            return new GroupInfo(name, options, list, inFlight.size(), waiting, parked.size(), replaying.size(),
                    settled, head, head - settled, delivered, acked, nacked, timedOut);
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
            if (closed || !parked.containsKey(position) || replaying.contains(position)) {
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
    public int replayOldestParked(int max) {
        lock.lock();
        try {
            int n = 0;
            for (Iterator<Long> it = parked.keySet().iterator(); n < max && it.hasNext(); ) {
                long position = it.next();
                if (!replaying.contains(position) && replayParked(position)) {
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

    /** Hands out the next event the strategy gives this member, waiting until the deadline. Caller holds the lock. */
    private Optional<Delivery> next(Member member, long deadline) throws InterruptedException {
        while (true) {
            if (closed || member.left) {
                throw new StateConflictException("member '" + member.id + "' of group '" + name + "' is closed");
            }
            expireOverdue();
            Pending p = member.inFlight < member.maxInFlight ? take(member) : null;
            if (p != null) {
                p.attempts++;
                p.deliveryId = ++deliveryIds;
                p.member = member;
                p.deadline = System.nanoTime() + options.ackTimeout().toNanos();
                inFlight.add(p);
                member.inFlight++;
                member.delivered++;
                delivered++;
                return Optional.of(new GroupDelivery(p, p.deliveryId));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            changed.await(Math.min(left, MAX_WAIT_SLICE_NANOS), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Removes and returns the ready event this member may take now, or null. Caller holds the lock;
     * the member has room.
     */
    private Pending take(Member member) {
        switch (options.strategy()) {
            case ROUND_ROBIN -> {
                return ready.pollFirst();
            }
            case DISPATCH_TO_SINGLE -> {
                for (Member earlier : members.values()) {
                    if (earlier == member) {
                        return ready.pollFirst();
                    }
                    if (earlier.inFlight < earlier.maxInFlight) {
                        return null; // an earlier member has room: the work is its own
                    }
                }
                return null;
            }
            case PINNED -> {
                List<Member> order = new ArrayList<>(members.values());
                for (Iterator<Pending> it = ready.iterator(); it.hasNext(); ) {
                    Pending p = it.next();
                    if (order.get(Math.floorMod(spread(p.event.entityId().hashCode()), order.size())) == member) {
                        it.remove();
                        return p;
                    }
                }
                return null;
            }
            default -> throw new IllegalStateException(options.strategy().name());
        }
    }

    /** Mixes a string hash so that entity ids differing only in their last character spread over members. */
    private static int spread(int h) {
        int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }

    /** Unsettled deliveries past their ack timeout fail their attempt. Caller holds the lock. */
    private void expireOverdue() {
        long now = System.nanoTime();
        List<Pending> expired = null;
        for (Pending p : inFlight) {
            if (now - p.deadline > 0) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(p);
            }
        }
        if (expired != null) {
            for (Pending p : expired) {
                release(p);
                timedOut++;
                fail(p, "not acknowledged within " + options.ackTimeout());
            }
        }
    }

    /** Takes a delivery back from its member. Caller holds the lock; p is in flight. */
    private void release(Pending p) {
        inFlight.remove(p);
        p.member.inFlight--;
        p.member = null;
        p.deliveryId = 0;
    }

    /** A delivery failed: retry at the front, or park. Caller holds the lock; p is not in flight. */
    private void fail(Pending p, String reason) {
        if (p.attempts >= options.maxAttempts()) {
            park(p, reason);
        } else {
            ready.addFirst(p);
            changed.signalAll();
        }
    }

    /** Parks an event, settling it. Caller holds the lock; p is not in flight. */
    private void park(Pending p, String reason) {
        parked.put(p.event.position(), new ParkedEvent(p.event.position(), p.event.entityId(), p.event.eventType(),
                p.attempts, reason));
        settle(p, true);
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
        long newCheckpoint = settledPosition();
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
        return new GroupStateWriter.Snapshot(generation, checkpoint, List.copyOf(parked.values()), options);
    }

    /**
     * Settles under the lock, then waits, unlocked, until the state that reflects the settlement is on
     * disk. A settlement that does not change the persisted state returns at once (unless an earlier
     * write failed: then it retries the newest state).
     *
     * @param action null for an acknowledgement
     */
    private void settleDelivery(Pending p, long deliveryId, NackAction action, String reason) {
        long mustBeDurable;
        lock.lock();
        try {
            if (closed || p.deliveryId != deliveryId || !inFlight.contains(p)) {
                return; // expired and handed to another member meanwhile (that delivery owns it now), or deleted
            }
            Member m = p.member;
            if (action == null) {
                m.acked++;
                acked++;
            } else {
                m.nacked++;
                nacked++;
            }
            if (action == NackAction.STOP) {
                m.leave();
            } else {
                release(p);
                if (action == null || action == NackAction.SKIP) {
                    if (p.replay) {
                        parked.remove(p.event.position());
                    }
                    settle(p, p.replay);
                } else if (action == NackAction.PARK) {
                    park(p, reason);
                } else {
                    fail(p, reason);
                }
            }
            mustBeDurable = generation;
        } finally {
            lock.unlock();
        }
        writer.awaitDurable(mustBeDurable);
    }

    private void checkOpen() {
        if (closed) {
            throw new StateConflictException("consumer group '" + name + "' is closed");
        }
    }

    /** Stops the group: members' polls fail from now on. */
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

    /** Closes the group and deletes its file; no write of it follows. */
    void delete() {
        close();
        writer.delete();
    }

    /** A member pulling deliveries. Its fields are guarded by the group's lock. */
    private final class Member implements GroupMember {
        final String id;
        final int maxInFlight;
        final long joinedAtMillis;
        int inFlight;
        long delivered;
        long acked;
        long nacked;
        boolean left;

        Member(String id, int maxInFlight, long joinedAtMillis) {
            this.id = id;
            this.maxInFlight = maxInFlight;
            this.joinedAtMillis = joinedAtMillis;
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
                leave();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Leaves and hands this member's unsettled deliveries back, oldest first; their attempts are not
         * counted against the events, since the member left rather than failed. Caller holds the lock.
         */
        void leave() {
            if (left) {
                return;
            }
            left = true;
            members.remove(id);
            List<Pending> mine = new ArrayList<>();
            for (Pending p : ConsumerGroupImpl.this.inFlight) {
                if (p.member == this) {
                    mine.add(p);
                }
            }
            mine.sort((a, b) -> Long.compare(b.event.position(), a.event.position()));
            for (Pending p : mine) {
                release(p);
                p.attempts--;
                ready.addFirst(p);
            }
            changed.signalAll();
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
            settleDelivery(pending, id, null, null);
        }

        @Override
        public void nack(NackAction action, String reason) {
            java.util.Objects.requireNonNull(action, "action");
            settleOnce();
            settleDelivery(pending, id, action, reason == null || reason.isEmpty() ? action.name().toLowerCase(
                    java.util.Locale.ROOT) : reason);
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
