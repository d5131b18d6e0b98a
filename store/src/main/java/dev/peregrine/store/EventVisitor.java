package dev.peregrine.store;

/**
 * Receives the events of a query one by one, as an {@link EventView} that is re-pointed at the next
 * event when {@link #visit} returns (see {@link EventView} for what may be kept).
 *
 * <pre>{@code
 * long[] sum = {0};
 * store.query(Query.builder().entityId("acct-1").build(), e -> {
 *     sum[0] += e.version();
 *     return true;           // false stops the query after this event
 * });
 * }</pre>
 *
 * <p>The visitor runs on the querying thread, while the query holds no lock: it may take its time, and
 * it may query the store itself (with another visitor), but the events it is shown are those visible
 * when the query began.
 */
@FunctionalInterface
public interface EventVisitor {

    /**
     * @param event the next matching event, valid only during this call
     * @return {@code true} to go on, {@code false} to stop the query after this event (the returned
     *         cursor then continues after it)
     */
    boolean visit(EventView event);
}
