package dev.peregrine.server;

import dev.peregrine.server.auth.Access;
import dev.peregrine.server.auth.Principal;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * The request handler of every event loop: routes the request, checks its credential against the
 * route ({@link Security}), runs its handler, and turns any
 * exception a handler throws into the mapped JSON error. Stateless apart from the shared router.
 */
final class RequestDispatcher {
    /** Metrics label for requests that match no route, so unknown paths cannot explode label sets. */
    static final String UNMATCHED = "unmatched";

    private final Router router;
    private final Services services;

    RequestDispatcher(Router router, Services services) {
        this.router = router;
        this.services = services;
    }

    /** Serves a request that arrived on the connection {@code watch} follows. */
    void handle(HttpServerRequest request, ConnectionGuard.Watch watch) {
        long start = System.nanoTime();
        Context context = Vertx.currentContext();
        Router.Match match;
        RuntimeException unmatched;
        try {
            match = router.match(request.method().name(), request.path());
            unmatched = null;
        } catch (RuntimeException e) {
            match = null;
            unmatched = e;
        }
        Security security = services.security();
        // An unmatched path is answered only to an authenticated client: 404s would map the API.
        Access access = match != null ? security.access(match.route()) : Access.READ;
        Security.Verdict verdict;
        try {
            verdict = security.check(request, access);
        } catch (RuntimeException refused) {
            refuse(request, context, start, watch, match, refused);
            return;
        }
        if (verdict instanceof Security.Granted granted) {
            serve(request, context, start, watch, match, unmatched, granted.principal());
            return;
        }
        checkPassword(request, context, start, watch, match, unmatched, (Security.PasswordCheck) verdict);
    }

    /**
     * Hashes a Basic credential's password on the password worker, the request paused meanwhile so
     * that no byte of its body is read before a handler is there to take it.
     */
    private void checkPassword(HttpServerRequest request, Context context, long start, ConnectionGuard.Watch watch,
                               Router.Match match, RuntimeException unmatched, Security.PasswordCheck check) {
        Security security = services.security();
        try {
            security.startPasswordCheck();
        } catch (ApiException busy) {
            refuse(request, context, start, watch, match, busy);
            return;
        }
        request.pause();
        security.passwordWorkers().executeBlocking(() -> security.verify(check), false).onComplete(verified ->
                context.runOnContext(ignored -> {
                    security.passwordCheckEnded();
                    if (verified.succeeded()) {
                        serve(request, context, start, watch, match, unmatched, verified.result());
                    } else {
                        refuse(request, context, start, watch, match, verified.cause());
                    }
                    request.resume();
                }));
    }

    /**
     * Answers a refused credential (or a busy password check), counted under the route it asked
     * for; a 401 to an address that keeps failing is held back first (see {@link FailureThrottle}).
     */
    private void refuse(HttpServerRequest request, Context context, long start, ConnectionGuard.Watch watch,
                        Router.Match match, Throwable refusal) {
        String route = match != null ? match.route().pattern() : UNMATCHED;
        Exchange exchange = new Exchange(request, context, services, route, Map.of(), start, watch, Principal.OPEN);
        long delay = refusal instanceof ApiException api && api.status() == 401
                ? services.security().failureDelayMillis(request) : 0;
        if (delay == 0) {
            exchange.fail(refusal);
            return;
        }
        context.owner().setTimer(delay, id -> {
            if (!request.response().closed()) {
                exchange.fail(refusal);
            }
        });
    }

    private void serve(HttpServerRequest request, Context context, long start, ConnectionGuard.Watch watch,
                       Router.Match match, RuntimeException unmatched, Principal principal) {
        if (match == null) {
            new Exchange(request, context, services, UNMATCHED, Map.of(), start, watch, principal).fail(unmatched);
            return;
        }
        Exchange exchange = new Exchange(request, context, services, match.route().pattern(), match.parameters(),
                start, watch, principal);
        try {
            match.route().handler().handle(exchange);
        } catch (Exception e) {
            exchange.fail(e);
        }
    }

    /**
     * Answers requests the HTTP decoder rejected (a request line or headers over Netty's limits, or
     * garbage) with a JSON error instead of Vert.x's empty default, then closes the connection,
     * whose framing can no longer be trusted.
     */
    void invalid(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = 400;
        String message = "malformed HTTP request";
        if (cause instanceof TooLongFrameException) {
            status = cause.getMessage() != null && cause.getMessage().contains("header") ? 431 : 414;
            message = cause.getMessage();
        } else if (cause != null && cause.getMessage() != null) {
            message = "malformed HTTP request: " + cause.getMessage();
        }
        services.metrics().request(UNMATCHED, request.method().name(), status, 0);
        request.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(services.json().error(message))
                .onComplete(ignored -> request.connection().close());
    }
}
