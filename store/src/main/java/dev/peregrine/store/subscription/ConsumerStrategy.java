package dev.peregrine.store.subscription;

/**
 * How a {@link ConsumerGroup} chooses the member an event goes to. A member never holds more
 * unsettled deliveries than its own limit ({@link ConsumerGroup#join(String, int)}); whatever the
 * strategy, one entity's events are handed out one at a time and in order.
 */
public enum ConsumerStrategy {

    /** To whichever member asks next and has room: members share the work. */
    ROUND_ROBIN,

    /**
     * To the member that joined first while it has room, then to the next one in join order: one
     * member does the work, the others take over when it is full or gone.
     */
    DISPATCH_TO_SINGLE,

    /**
     * By entity: an entity's events go to one member (chosen by a hash of the entity id over the
     * members in join order) and wait for it while it is full, so a member sees all of the entities it
     * owns. Ownership moves when members join or leave.
     */
    PINNED
}
