package dev.peregrine.store.view;

/**
 * A registered view: read it whole, read it as of a past position, or follow its deltas. Obtain one
 * from {@link Views#register} or {@link Views#get}. Thread-safe.
 *
 * <pre>{@code
 * View totals = store.views().register(definition, BackfillListener.NONE);
 * ViewSnapshot now = totals.read();
 * ViewSnapshot then = totals.readAsOf(1_000);
 * try (ViewFollower f = totals.follow(delta -> queue.offer(delta))) {
 *     render(f.snapshot());          // content at the moment following began
 *     ...                            // deltas after f.snapshot().position() arrive in order
 * }
 * }</pre>
 */
public interface View {

    /** @return the view's name */
    String name();

    /** @return the view's definition */
    ViewDefinition definition();

    /** @return the last log position applied to the view (0 before any) */
    long position();

    /** @return the number of rows now */
    long rowCount();

    /**
     * Waits until the view has applied the log up to {@code position}, for read-your-writes after an
     * append.
     *
     * @param position a log position
     * @param timeout how long to wait at most
     * @return whether the view reached the position in time
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitPosition(long position, java.time.Duration timeout) throws InterruptedException;

    /** @return the view's whole content at {@link #position()} */
    ViewSnapshot read();

    /**
     * Reads the view as it was just after the event at {@code position} was applied. The view keeps no
     * past events: the read copies its newest checkpoint at or below {@code position} and replays the
     * log from there (a filter view replays from its first row's position), so it costs log reads that
     * grow with the distance to that checkpoint, and holds the view meanwhile ({@code docs/views.md},
     * <i>Time travel</i>).
     *
     * @param position a log position, at least 0; positions past {@link #position()} read the current
     *     content
     * @return the content at that position
     * @throws IllegalArgumentException when {@code position} is negative
     */
    ViewSnapshot readAsOf(long position);

    /**
     * Atomically takes a snapshot and starts delivering every later delta to {@code listener}, so the
     * follower misses nothing and sees nothing twice.
     *
     * @param listener receives deltas after the snapshot's position; must not block
     * @return the follower: its snapshot, and {@code close()} to stop
     */
    ViewFollower follow(ViewListener listener);
}
