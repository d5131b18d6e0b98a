package dev.peregrine.store.subscription;

/**
 * Where a subscription starts.
 *
 * <pre>{@code
 * StartPosition.at(1)      // the whole log
 * StartPosition.now()      // only events committed after subscribing
 * }</pre>
 */
public sealed interface StartPosition {

    /**
     * Starts at a log position: the first event delivered is the first accepted one at or after it.
     *
     * @param position a log position, at least 1
     */
    record At(long position) implements StartPosition {
        /** Checks the position. */
        public At {
            if (position < 1) {
                throw new IllegalArgumentException("a start position is at least 1, got " + position);
            }
        }
    }

    /** Starts after the log's last position at the time of subscribing. */
    record Now() implements StartPosition {}

    /**
     * @param position a log position, at least 1
     * @return a start at that position
     */
    static StartPosition at(long position) {
        return new At(position);
    }

    /** @return a start after the current end of the log */
    static StartPosition now() {
        return new Now();
    }
}
