package dev.peregrine.store.subscription;

/** A running subscription. Thread-safe. */
public interface Subscription extends AutoCloseable {

    /**
     * @return the last log position this subscription has dealt with (delivered, or skipped by the
     *     filter while reading the log); 0 before any
     */
    long position();

    /** @return whether the subscription is receiving live events (caught up with the log) */
    boolean isLive();

    /** @return how many times it fell behind its live buffer and went back to reading the log */
    long fallbacks();

    /** Stops delivery; the listener's {@code onClosed(null)} follows. Idempotent; does not wait. */
    @Override
    void close();
}
