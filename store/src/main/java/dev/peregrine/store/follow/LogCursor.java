package dev.peregrine.store.follow;

/**
 * A {@link LogEntry} that its owner re-points from entry to entry. Consumers receive it as a plain
 * {@link LogEntry}; only the thread that reads the log moves it. Not thread-safe.
 */
public interface LogCursor extends LogEntry {

    /**
     * Points this cursor at another entry.
     *
     * @param position a position from 1 to the {@link CommittedLog#visiblePosition()} the caller read
     * @return this cursor
     */
    LogCursor moveTo(long position);
}
