package dev.peregrine.server;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the connections of clients too slow to serve: a request head that has not arrived within
 * the header timeout of the connection opening (or of the previous response, for the next request
 * on a kept-alive connection), and a request body that has sent nothing for the body timeout. A
 * slow head is closed without an answer (there is no request to answer yet); a stalled body is
 * answered 408 through its {@link Exchange} if nothing was answered yet, then closed.
 *
 * <p>Why not Vert.x's idle timeouts: they count any traffic on the connection, so a client sending
 * its head one byte a second never trips them, and a subscriber waiting for events (no traffic
 * either way between heartbeats) would. This guard knows what the connection is doing: waiting for
 * a head, reading a body (unless the server itself paused reading), or neither (the store is
 * working on the request, or a response is streaming), which is never timed out.
 *
 * <p>One guard per event loop, confined to it: connections and requests of that loop register
 * here, and a periodic {@link #sweep} there closes the expired ones. Checking on a sweep rather
 * than arming a timer per request keeps the request path to a few field writes; a timeout fires
 * up to one sweep period late.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final Duration bodyTimeout;
    private final Map<HttpConnection, Watch> watches = new IdentityHashMap<>();

    ConnectionGuard(Duration headerTimeout, Duration bodyTimeout) {
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.bodyTimeoutNanos = bodyTimeout.toNanos();
        this.bodyTimeout = bodyTimeout;
    }

    /** How often to {@link #sweep}: a quarter of the shorter timeout, within 10 ms to 1 s. */
    static long sweepMillis(Duration headerTimeout, Duration bodyTimeout) {
        long shorter = Math.min(headerTimeout.toMillis(), bodyTimeout.toMillis());
        return Math.clamp(shorter / 4, 10, 1_000);
    }

    /** Starts watching a new connection: its first request head is due within the header timeout. */
    void opened(HttpConnection connection) {
        watches.put(connection, new Watch(connection, System.nanoTime()));
        connection.closeHandler(closed -> watches.remove(connection));
    }

    /** The watch of the connection {@code request} arrived on. */
    Watch watch(HttpServerRequest request) {
        Watch watch = watches.get(request.connection());
        // A connection opened before this guard saw it cannot exist; an unregistered watch is never swept.
        return watch != null ? watch : new Watch(request.connection(), System.nanoTime());
    }

    /** Ends every connection whose head or body is overdue. */
    void sweep() {
        long now = System.nanoTime();
        List<Watch> expired = new ArrayList<>();
        for (Watch watch : watches.values()) {
            if (watch.overdue(now)) {
                expired.add(watch);
            }
        }
        // Apart from the iteration: ending a connection may remove it from the map.
        for (Watch watch : expired) {
            watch.expire();
        }
    }

    /**
     * What one connection is doing, as far as timeouts go: waiting for a request head since
     * {@link #since}, or serving a request whose body last delivered bytes at {@link #since}.
     */
    final class Watch {
        private final HttpConnection connection;
        private boolean awaitingHead = true;
        private boolean readingBody;
        private boolean bodyEnded;
        private boolean responseEnded;
        private long since;
        private Exchange exchange;

        private Watch(HttpConnection connection, long now) {
            this.connection = connection;
            this.since = now;
        }

        /** A request head arrived; {@code hasBody} when a body follows it. */
        void requestStarted(Exchange exchange, boolean hasBody) {
            this.exchange = exchange;
            awaitingHead = false;
            readingBody = hasBody;
            bodyEnded = !hasBody;
            responseEnded = false;
            since = System.nanoTime();
        }

        /** Body bytes arrived. */
        void bodyActivity() {
            since = System.nanoTime();
        }

        /** The server stopped reading the body (to wait for the store): silence is not the client's. */
        void bodyPaused() {
            readingBody = false;
        }

        /** The server reads the body again. */
        void bodyResumed() {
            if (!bodyEnded) {
                readingBody = true;
                since = System.nanoTime();
            }
        }

        /** The body ended, or will not arrive any more. */
        void bodyEnded() {
            bodyEnded = true;
            readingBody = false;
            idleIfDone();
        }

        /** The response was sent. */
        void responseEnded() {
            responseEnded = true;
            idleIfDone();
        }

        private void idleIfDone() {
            if (bodyEnded && responseEnded && !awaitingHead) {
                // Kept alive: the next head is due within the header timeout, as Go's net/http does.
                awaitingHead = true;
                exchange = null;
                since = System.nanoTime();
            }
        }

        private boolean overdue(long now) {
            return awaitingHead ? now - since > headerTimeoutNanos : readingBody && now - since > bodyTimeoutNanos;
        }

        private void expire() {
            if (awaitingHead) {
                LOG.debug("closing {}: no complete request head within the header timeout", connection.remoteAddress());
                awaitingHead = false;
                connection.close();
            } else {
                LOG.debug("closing {}: the request body stalled", connection.remoteAddress());
                readingBody = false;
                exchange.bodyStalled(bodyTimeout);
            }
        }
    }
}
