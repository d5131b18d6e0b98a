package dev.peregrine.store.view;

/** A listener following a view's deltas, from {@link View#follow}. Closing it stops the deltas. */
public interface ViewFollower extends AutoCloseable {

    /** @return the view's content when following began; deltas follow from its position */
    ViewSnapshot snapshot();

    /** Stops delivering deltas; idempotent. */
    @Override
    void close();
}
