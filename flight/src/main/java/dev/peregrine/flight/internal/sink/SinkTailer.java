package dev.peregrine.flight.internal.sink;

import dev.peregrine.flight.internal.codec.SlotDecoder;
import dev.peregrine.flight.internal.intern.Interner;
import dev.peregrine.flight.internal.ring.Ring;
import dev.peregrine.flight.internal.ring.SlotStatus;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Follows the ring on one background thread and hands every event to the sinks, so console, file and
 * HTTP output never runs on (or blocks) a producer thread. If the sinks fall more than a ring's capacity
 * behind, the overwritten events are skipped and counted as missed; a sequence that stays unwritten
 * (a hole, or a producer stalled mid-write) is skipped after {@link #STALL_NANOS} and also counted.
 *
 * <p>Thread-safety: {@link #run()} runs on the tailer's own thread only (asserted); the counters and
 * {@link #stop} may be called from any thread.
 */
public final class SinkTailer implements Runnable {
    /** Idle parking starts at 1 ms and doubles up to 16 ms, so an idle process wakes the tailer ~60 times a second. */
    private static final long MIN_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Ring ring;
    private final SlotDecoder decoder;
    private final List<Sink> sinks;
    private final byte[] slot;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile long delivered;
    private volatile long missed;

    public SinkTailer(Ring ring, Interner interner, List<Sink> sinks) {
        this.ring = ring;
        this.decoder = new SlotDecoder(interner);
        this.sinks = List.copyOf(sinks);
        this.slot = new byte[ring.slotBytes()];
        this.thread = Thread.ofPlatform().daemon().name("flight-sinks").unstarted(this);
    }

    public void start() {
        thread.start();
    }

    @Override
    public void run() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("the sink tailer runs only on its own thread, not " + Thread.currentThread().getName());
        }
        long next = 0;
        long stalledSince = 0;
        long park = MIN_PARK_NANOS;
        while (true) {
            boolean finalPass = stopping;
            long end = ring.claimed();
            long oldest = Math.max(0, end - ring.capacity());
            if (next < oldest) {
                missed += oldest - next;
                next = oldest;
            }
            boolean progressed = false;
            while (next < end) {
                SlotStatus status = ring.read(next, slot);
                if (status == SlotStatus.IN_FLIGHT) {
                    long now = System.nanoTime();
                    if (stalledSince == 0) {
                        stalledSince = now;
                    }
                    if (!finalPass && now - stalledSince < STALL_NANOS) {
                        break;
                    }
                    missed++;
                } else if (status == SlotStatus.OVERWRITTEN) {
                    missed++;
                } else {
                    deliver(next);
                }
                stalledSince = 0;
                next++;
                progressed = true;
            }
            if (!progressed || next == end) {
                flushAll();
                if (finalPass) {
                    return;
                }
                park = progressed ? MIN_PARK_NANOS : Math.min(park * 2, MAX_PARK_NANOS);
                LockSupport.parkNanos(park);
            }
        }
    }

    private void deliver(long sequence) {
        var event = decoder.decode(sequence, slot);
        for (Sink sink : sinks) {
            try {
                sink.accept(event);
            } catch (RuntimeException e) {
                // A failing sink must not stop the others; it reports on stderr because it cannot log into itself.
                System.err.println("flight: sink " + sink + " failed: " + e);
            }
        }
        delivered++;
    }

    private void flushAll() {
        for (Sink sink : sinks) {
            try {
                sink.flush();
            } catch (RuntimeException e) {
                System.err.println("flight: sink " + sink + " failed to flush: " + e);
            }
        }
    }

    /** Delivers everything recorded so far, stops the thread and closes the sinks. */
    public void stop(long timeoutMillis) {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Sink sink : sinks) {
            sink.close();
        }
    }

    public long delivered() {
        return delivered;
    }

    public long missed() {
        return missed;
    }

    public List<Sink> sinks() {
        return sinks;
    }
}
