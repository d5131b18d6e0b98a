package dev.peregrine.flight.internal.trigger;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Snapshots after ERROR events, at most once per interval. The logging thread only does a volatile read
 * and, once per interval, a CAS and an unpark; the snapshot itself runs on this class's daemon thread, so
 * an error never makes the application wait for disk.
 */
public final class ErrorSnapshotter {
    private final SnapshotAction action;
    private final long intervalNanos;
    /** nanoTime of the last trigger; starts far in the past so the first error triggers. */
    private final AtomicLong last;
    private final Thread thread;
    private volatile boolean pending;

    public ErrorSnapshotter(SnapshotAction action, long intervalNanos) {
        this.action = action;
        this.intervalNanos = intervalNanos;
        this.last = new AtomicLong(System.nanoTime() - intervalNanos - 1);
        this.thread = Thread.ofPlatform().daemon().name("flight-error-snapshot").start(this::loop);
    }

    /** Called by a producer after publishing an ERROR event. */
    public void onError() {
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous < intervalNanos || !last.compareAndSet(previous, now)) {
            return;
        }
        pending = true;
        LockSupport.unpark(thread);
    }

    private void loop() {
        while (true) {
            LockSupport.park(this);
            if (pending) {
                pending = false;
                action.snapshot("error");
            }
        }
    }
}
