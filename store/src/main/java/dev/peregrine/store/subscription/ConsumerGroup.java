package dev.peregrine.store.subscription;

import java.util.List;

/**
 * Competing consumers sharing one named, durable subscription. Each event goes to one member; events
 * of one entity are handed out one at a time, in position order (the next only after the previous is
 * acknowledged or parked), so per-entity order holds while different entities are processed in
 * parallel. The group persists its checkpoint (every event at or below it is settled) and its parked
 * events. Thread-safe.
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

    /** @return the group's options */
    GroupOptions options();

    /**
     * @param memberId a name for the member, unique in the group
     * @return the member
     * @throws dev.peregrine.store.StateConflictException when a member with that id is already in the
     *     group, or the group is closed
     */
    GroupMember join(String memberId);

    /** @return the settled checkpoint: every accepted event at or below it is acknowledged or parked */
    long acknowledgedPosition();

    /** @return the parked events, by position */
    List<ParkedEvent> parked();

    /**
     * Takes a parked event out of the parking lot and delivers it again (attempts start over). Its
     * entity's later events may already have been processed: a replay is out of order by nature.
     *
     * @param position a parked event's position
     * @return whether such a parked event existed (and still exists: a scavenge may have removed it)
     */
    boolean replayParked(long position);

    /** @return how many parked events were put back for delivery */
    int replayAllParked();
}
