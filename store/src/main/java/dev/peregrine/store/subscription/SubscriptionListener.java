package dev.peregrine.store.subscription;

import dev.peregrine.store.StoredEvent;

/**
 * Receives a subscription's events, in position order, each exactly once, on the subscription's own
 * (virtual) thread: a slow listener slows only its own subscription, never appends or other
 * subscribers.
 */
@FunctionalInterface
public interface SubscriptionListener {

    /**
     * @param event the next accepted event
     * @throws Exception to end the subscription; {@link #onClosed} then receives it
     */
    void onEvent(StoredEvent event) throws Exception;

    /**
     * The subscription has delivered everything up to the end of the log and now receives events as
     * they are committed. Called each time it catches up again after falling behind.
     *
     * @param position the last position examined
     */
    default void onLive(long position) {}

    /**
     * The subscription ended.
     *
     * @param cause {@code null} when closed by {@link Subscription#close()} or the store's close; else
     *     the listener's exception or the storage failure that ended it
     */
    default void onClosed(Throwable cause) {}
}
