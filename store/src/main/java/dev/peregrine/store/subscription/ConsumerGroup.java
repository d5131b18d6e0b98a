package dev.peregrine.store.subscription;

import java.util.List;

/**
 * Competing consumers sharing one named, durable subscription. Each event goes to one member, chosen
 * by the group's {@link ConsumerStrategy}; events of one entity are handed out one at a time, in
 * position order (the next only after the previous is settled), so per-entity order holds while
 * different entities are processed in parallel. The group persists its options, its checkpoint
 * (every event at or below it is settled) and its parked events. Thread-safe.
 *
 * <pre>{@code
 * ConsumerGroup billing = store.subscriptions().group("billing", GroupOptions.DEFAULTS);
 * try (GroupMember worker = billing.join("worker-1")) {
 *     Optional<Delivery> d = worker.poll(Duration.ofSeconds(1));
 *     d.ifPresent(x -> { process(x.event()); x.ack(); });
 * }
 * }</pre>
 */
public interface ConsumerGroup {

    /** @return the group's name */
    String name();

    /** @return the group's current options */
    GroupOptions options();

    /**
     * Joins with the group's {@link GroupOptions#maxInFlight()} as the member's limit.
     *
     * @param memberId a name for the member, unique in the group
     * @return the member
     * @throws dev.peregrine.store.StateConflictException when a member with that id is already in the
     *     group, the group has {@link GroupOptions#maxMembers()} members, or it is closed or deleted
     */
    default GroupMember join(String memberId) {
        return join(memberId, options().maxInFlight());
    }

    /**
     * @param memberId a name for the member, unique in the group
     * @param maxInFlight how many unsettled deliveries the member may hold at once, at least 1
     * @return the member
     * @throws dev.peregrine.store.StateConflictException as {@link #join(String)}
     */
    GroupMember join(String memberId, int maxInFlight);

    /**
     * Changes the group's settings and persists them before returning. The filter cannot change (the
     * checkpoint counts events of that filter); a new {@link GroupOptions#start()} is recorded but,
     * like KurrentDB's, does not move the checkpoint. A smaller {@code maxInFlight} or
     * {@code maxMembers} holds back new reads and joins; nothing handed out is taken back.
     *
     * @param options the new settings
     * @throws dev.peregrine.store.InvalidEventException naming {@code filter} when it differs
     * @throws dev.peregrine.store.StateConflictException when the group is closed or deleted
     */
    void update(GroupOptions options);

    /** @return the settled checkpoint: every accepted event at or below it is acknowledged, skipped or parked */
    long acknowledgedPosition();

    /** @return the group's members, counters and positions, consistent with each other */
    GroupInfo info();

    /** @return the parked events, by position */
    List<ParkedEvent> parked();

    /**
     * Takes a parked event out of the parking lot and delivers it again (attempts start over). Its
     * entity's later events may already have been processed: a replay is out of order by nature. The
     * event stays in the persisted parked list until it is acknowledged or skipped.
     *
     * @param position a parked event's position
     * @return whether such a parked event existed, still exists (a scavenge may have removed it) and was
     *         not being replayed already
     */
    boolean replayParked(long position);

    /**
     * Replays the oldest parked events (by position) that are not being replayed already; they are
     * handed out in position order.
     *
     * @param max how many at most
     * @return how many were put back for delivery
     */
    int replayOldestParked(int max);

    /** @return how many parked events were put back for delivery */
    default int replayAllParked() {
        return replayOldestParked(Integer.MAX_VALUE);
    }
}
