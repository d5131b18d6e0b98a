package dev.peregrine.grpc.internal;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sending side of one server-streaming call, with flow control: {@link #send} waits while the
 * transport is not ready (the client has not taken what was sent), so a slow reader holds back its
 * own reader thread or subscription, never the server's memory. Senders run on their own threads,
 * never on the call's callback thread, whose {@code onReady} and {@code onCancel} callbacks wake
 * them.
 *
 * <p>One sender at a time ({@link StreamObserver} is not thread-safe); {@link #isCancelled()} and the
 * wake-ups from any thread.
 *
 * @param <T> the message type
 */
final class Outbox<T> {
    /**
     * Bytes queued in the transport before it reports not ready. grpc-java's default, 32 KiB, is
     * about 30 events of 1 KiB: a catch-up would hand its thread over to the ready callback every
     * 30 events. 1 MiB lets a reader run ahead by a page of events and still bounds what one slow
     * client makes the server hold.
     */
    static final int READY_THRESHOLD = 1 << 20;

    private final ServerCallStreamObserver<T> call;
    private final Object lock = new Object();
    private volatile boolean cancelled;
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();

    /** Must be made while the call's handler runs: it installs the call's ready and cancel handlers. */
    Outbox(StreamObserver<T> observer) {
        this.call = (ServerCallStreamObserver<T>) observer;
        call.setOnReadyThreshold(READY_THRESHOLD);
        call.setOnReadyHandler(this::wake);
        call.setOnCancelHandler(() -> {
            cancelled = true;
            wake();
            onCancel.forEach(Runnable::run);
        });
    }

    /** Runs {@code action} when the client cancels (at once if it has already; possibly twice then). */
    void onCancel(Runnable action) {
        onCancel.add(action);
        if (cancelled) {
            action.run();
        }
    }

    boolean isCancelled() {
        return cancelled;
    }

    /**
     * Sends one message once the transport is ready.
     *
     * @return false, sending nothing, when the call was cancelled
     */
    boolean send(T message) throws InterruptedException {
        synchronized (lock) {
            // onReady runs after isReady turns true, under the same lock as this check: no lost wake-up.
            while (!cancelled && !call.isReady()) {
                lock.wait();
            }
        }
        if (cancelled) {
            return false;
        }
        call.onNext(message);
        return true;
    }

    /** Ends the call successfully, unless it was cancelled. */
    void complete() {
        if (!cancelled) {
            call.onCompleted();
        }
    }

    /** Ends the call with an error, unless it was cancelled. */
    void fail(Throwable error) {
        if (!cancelled) {
            call.onError(Errors.of(error));
        }
    }

    private void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }
}
