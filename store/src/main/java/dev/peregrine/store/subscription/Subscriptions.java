package dev.peregrine.store.subscription;

import java.util.List;
import java.util.Optional;

/**
 * The subscriptions of one store: live tails of the log that first catch up from any position, then
 * follow commits with no gap and no duplicate. Obtain it from the store. Thread-safe.
 *
 * <pre>{@code
 * Subscription s = store.subscriptions().subscribe(StartPosition.at(1),
 *         SubscriptionFilter.builder().eventTypes("order.placed").build(),
 *         event -> System.out.println(event.position()));
 * ...
 * s.close();
 * }</pre>
 */
public interface Subscriptions {

    /**
     * Starts a subscription. Only durable (committed under the store's durability policy) events are
     * delivered.
     *
     * @param from where to start
     * @param filter which events to deliver
     * @param listener receives them on the subscription's own thread
     * @return the running subscription
     */
    Subscription subscribe(StartPosition from, SubscriptionFilter filter, SubscriptionListener listener);

    /**
     * Opens a durable named subscription, resuming after its persisted acknowledged position (from
     * position 1 when new). A name is one subscriber at a time.
     *
     * @param name 1 to 128 characters of {@code [A-Za-z0-9_.-]}, starting with a letter or digit
     * @param filter which events to deliver; may differ from the previous opening
     * @param listener receives the events
     * @return the subscription; acknowledge with {@link DurableSubscription#ack(long)}
     * @throws dev.peregrine.store.InvalidEventException when the name is not a valid subscription name
     * @throws dev.peregrine.store.StateConflictException when the name is open already
     */
    DurableSubscription durable(String name, SubscriptionFilter filter, SubscriptionListener listener);

    /**
     * Opens a consumer group, creating it with {@code options} when there is none of that name. An
     * existing group keeps its persisted options (change them with {@link ConsumerGroup#update});
     * one persisted by a release that did not store options takes {@code options}.
     *
     * @param name 1 to 128 characters of {@code [A-Za-z0-9_.-]}, starting with a letter or digit
     * @param options the settings of a new group
     * @return the group, shared by every caller with that name
     * @throws dev.peregrine.store.InvalidEventException when the name is not valid, or the options
     *     start past the end of the log
     */
    ConsumerGroup group(String name, GroupOptions options);

    /**
     * Creates a consumer group, persisting its options (and, for a start of {@link StartPosition#now()},
     * its checkpoint at the end of the log) before returning.
     *
     * @param name as {@link #group}
     * @param options its settings
     * @return the new group
     * @throws dev.peregrine.store.StateConflictException when a group of that name exists
     * @throws dev.peregrine.store.InvalidEventException as {@link #group}
     */
    ConsumerGroup createGroup(String name, GroupOptions options);

    /**
     * @param name a group's name
     * @return the group with its persisted options, opened if it was not, or empty when there is none
     *     (an invalid name is none)
     */
    Optional<ConsumerGroup> findGroup(String name);

    /**
     * Deletes a consumer group and its persisted state: its members' polls fail, settling their
     * deliveries does nothing, and a group created later under the name starts afresh.
     *
     * @param name a group's name
     * @return whether there was such a group
     */
    boolean deleteGroup(String name);

    /** @return the names of the persisted consumer groups, sorted */
    List<String> groupNames();

    /** @return the names of the persisted durable subscriptions and groups, sorted */
    List<String> durableNames();
}
