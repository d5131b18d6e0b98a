package dev.peregrine.server;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import dev.peregrine.server.auth.Principal;
import io.netty.handler.codec.TooLongFrameException;
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
        Principal principal;
        try {
            match = router.match(request.method().name(), request.path());
            principal = services.security().authorize(request, match.route());
        } catch (RuntimeException e) {
            // An unmatched path is answered only to an authenticated client: 404s would map the API.
            RuntimeException answer = e;
            if (!(e instanceof ApiException api && (api.status() == 401 || api.status() == 403))) {
                try {
                    services.security().authenticate(request);
                } catch (ApiException refused) {
                    answer = refused;
                }
            }
            new Exchange(request, context, services, UNMATCHED, Map.of(), start, watch, Principal.OPEN).fail(answer);
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
