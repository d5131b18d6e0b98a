package dev.peregrine.server;

import io.vertx.core.Context;
import io.vertx.core.streams.WriteStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Back-pressure for a subscriber's connection: before each write, the subscription's thread waits
 * here while the connection's write queue is full. The store's subscription then falls behind its
 * live buffer and catches up from the log, so a slow client is slowed down, never dropped and
 * never allowed to fill the server's memory.
 *
 * <p>Called from the subscription's own (virtual) thread, never from an event loop. {@link #close()}
 * (on the event loop, when the connection closes) releases a waiting thread.
 */
final class StreamGate {
    private final WriteStream<?> stream;
    private final Context context;
    private volatile boolean closed;
    private volatile CompletableFuture<Void> waiting;

    StreamGate(WriteStream<?> stream, Context context) {
        this.stream = stream;
        this.context = context;
    }

    /**
     * Returns once the stream accepts more writes.
     *
     * @throws ClosedException when the connection closed meanwhile, to end the subscription
     */
    void awaitWritable() throws InterruptedException {
        while (!closed && stream.writeQueueFull()) {
            CompletableFuture<Void> drained = new CompletableFuture<>();
            waiting = drained;
            // The drain handler must be installed on the event loop, which also re-checks the queue
            // there so that a drain happening before the handler is installed is not missed.
            context.runOnContext(ignored -> {
                if (!stream.writeQueueFull()) {
                    drained.complete(null);
                } else {
                    stream.drainHandler(drain -> drained.complete(null));
                }
            });
            if (closed) {
                drained.complete(null);
            }
            try {
                drained.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        if (closed) {
            throw new ClosedException();
        }
    }

    /** The connection closed: stop waiting and refuse further writes. */
    void close() {
        closed = true;
        CompletableFuture<Void> pending = waiting;
        if (pending != null) {
            pending.complete(null);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Thrown to the subscription when its connection has gone. */
    static final class ClosedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClosedException() {
            super("the subscriber's connection closed", null, false, false);
        }
    }
}
