package dev.peregrine.store.view;

/**
 * Receives a view's deltas in log position order, on the thread that maintains the views. It must
 * return quickly and never block (hand the delta to a queue or an event loop): every view waits while
 * it runs. An exception it throws is logged and the listener is removed.
 */
@FunctionalInterface
public interface ViewListener {

    /**
     * @param delta the changes one input made
     */
    void onDelta(ViewDelta delta);
}
