package dev.peregrine.store.subscription;

import java.util.List;

/**
 * A consumer group as it is at one moment, taken under the group's lock so that the numbers agree
 * with each other: {@code inFlight} is the sum of the members' {@link MemberInfo#inFlight()}, and
 * {@code lag} is {@code headPosition - checkpoint}. Counters ({@code delivered}, {@code acked},
 * {@code nacked}, {@code timedOut}) count since the group was opened in this process, over every
 * member that was in it. Immutable.
 *
 * @param name the group's name
 * @param options its settings
 * @param members the members in the group now, in join order
 * @param inFlight deliveries handed out and not settled yet
 * @param waiting events read and not handed out: ready, or waiting behind an earlier event of their entity
 * @param parked events parked now
 * @param replaying parked events put back for delivery and not settled yet
 * @param checkpoint every event of the group at or below this position is settled (acknowledged,
 *     skipped or parked)
 * @param headPosition the last position of the log, as readers see it
 * @param lag how many log positions lie past the checkpoint ({@code headPosition - checkpoint})
 * @param delivered deliveries handed out, retries included
 * @param acked acknowledgements
 * @param nacked negative acknowledgements, of every {@link NackAction}
 * @param timedOut deliveries not settled within the ack timeout
 */
public record GroupInfo(String name, GroupOptions options, List<MemberInfo> members, int inFlight, int waiting,
                        int parked, int replaying, long checkpoint, long headPosition, long lag, long delivered,
                        long acked, long nacked, long timedOut) {

    /** Copies the member list. */
    public GroupInfo {
        members = List.copyOf(members);
    }

    /**
     * One member of a group.
     *
     * @param id the member's id
     * @param joinedAtMillis when it joined, epoch milliseconds
     * @param maxInFlight how many unsettled deliveries it may hold
     * @param inFlight how many it holds now
     * @param delivered deliveries it was handed
     * @param acked its acknowledgements
     * @param nacked its negative acknowledgements
     */
    public record MemberInfo(String id, long joinedAtMillis, int maxInFlight, int inFlight, long delivered,
                             long acked, long nacked) {}
}
