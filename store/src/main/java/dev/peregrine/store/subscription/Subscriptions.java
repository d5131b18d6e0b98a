package dev.peregrine.store.subscription;

import java.util.List;

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
     * Opens (creating on first use) a consumer group.
     *
     * @param name 1 to 128 characters of {@code [A-Za-z0-9_.-]}, starting with a letter or digit
     * @param options the group's settings
     * @return the group, shared by every caller with that name
     */
    ConsumerGroup group(String name, GroupOptions options);

    /** @return the names of the persisted durable subscriptions and groups, sorted */
    List<String> durableNames();
}
