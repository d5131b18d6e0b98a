package dev.peregrine.server;

import dev.peregrine.server.auth.Principal;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * One request being answered: the matched route, its path parameters, its body, and the ways to
 * answer it (JSON body or JSON error), each recorded once in the metrics.
 *
 * <p>The exchange owns the request body from the moment it is created: chunks go to the
 * {@link BodySink} a handler installs with {@link #readBody} (and are discarded when none does),
 * and the body's progress is reported to the connection's {@link ConnectionGuard.Watch}. A body
 * that does not arrive in full is handled here, once for every route: a client that went away is
 * recorded as a client abort (status label {@value ServerMetrics#CLIENT_ABORT}), never as a
 * server error; a broken framing (a bad chunk size, a corrupt or truncated gzip stream) is a 400,
 * and a stalled body a 408, both followed by closing the connection, whose framing can no longer
 * be trusted.
 *
 * <p>Confined to the event loop that received the request. Work finishing on another thread (the
 * store's sequencer, a worker) comes back through {@link #onEventLoop}, so that rendering the
 * response never steals time from the store's single writer.
 */
final class Exchange {
    private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");

    /** Receives a request body as it arrives; see {@link #readBody}. Called on the event loop. */
    interface BodySink {
        /** The next part of the body (decoded, when it was sent compressed). */
        void chunk(Buffer chunk);

        /** The body is complete. */
        void end();

        /**
         * The body will not arrive in full: the client went away, stalled or broke the framing.
         * The exchange has already answered when an answer was still possible; the sink only stops.
         */
        void broken(Throwable cause);
    }

    private static final BodySink DISCARD = new BodySink() {
        @Override
        public void chunk(Buffer chunk) {
        }

        @Override
        public void end() {
        }

        @Override
        public void broken(Throwable cause) {
        }
    };

    private final HttpServerRequest request;
    private final Context context;
    private final Services services;
    private final String route;
    private final Map<String, String> pathParameters;
    private final long startNanos;
    private final ConnectionGuard.Watch watch;
    private final Principal principal;
    private final TenantScope scope;
    private BodySink sink = DISCARD;
    /** Decodes a compressed body for {@link #sink}; {@code null} when the body is not compressed. */
    private BodyDecoder decoder;
    /** Whether the rest of the body goes to the sink undecoded: after a refusal, only its size counts. */
    private boolean raw;
    private boolean answered;

    Exchange(HttpServerRequest request, Context context, Services services, String route,
             Map<String, String> pathParameters, long startNanos, ConnectionGuard.Watch watch, Principal principal) {
        this.request = request;
        this.context = context;
        this.services = services;
        this.route = route;
        this.pathParameters = pathParameters;
        this.startNanos = startNanos;
        this.watch = watch;
        this.principal = principal;
        this.scope = TenantScope.of(principal);
        watch.requestStarted(this, hasBody(request));
        request.response().endHandler(ignored -> watch.responseEnded());
        request.handler(this::bodyChunk);
        request.endHandler(ignored -> bodyEnded());
        request.exceptionHandler(this::requestFailed);
    }

    HttpServerRequest request() {
        return request;
    }

    Services services() {
        return services;
    }

    Context context() {
        return context;
    }

    /** Who the request acts as. */
    Principal principal() {
        return principal;
    }

    /** The tenants the request may see. */
    TenantScope scope() {
        return scope;
    }

    /** The metrics label of the route, its pattern. */
    String route() {
        return route;
    }

    /** A decoded path parameter of the route pattern. */
    String pathParameter(String name) {
        return pathParameters.get(name);
    }

    /** Whether a response has been started already. */
    boolean answered() {
        return answered;
    }

    /**
     * Sends the rest of the body to {@code sink} (replacing the sink installed before, if any),
     * decoded when it was sent with a {@code Content-Encoding} (see {@link BodyDecoder}).
     *
     * @throws ApiException 415 when the body's encoding is one the server does not decode
     */
    void readBody(BodySink sink) {
        if (decoder == null) {
            decoder = BodyDecoder.forEncoding(request.getHeader(HttpHeaders.CONTENT_ENCODING));
        }
        this.sink = sink;
    }

    /** Whether the body was sent compressed: its declared length is not the length it decodes to. */
    boolean bodyEncoded() {
        return decoder != null;
    }

    /**
     * Reads and drops the rest of the body, then closes the connection: after a refusal the client
     * may still be sending, and must be able to read the answer, but what it sends would otherwise
     * be read as the next request. Hangs up at once past {@code limit} bytes.
     */
    void drainThenClose(long limit) {
        raw = true;
        sink = new BodySink() {
            private long drained;

            @Override
            public void chunk(Buffer chunk) {
                drained += chunk.length();
                if (drained > limit) {
                    request.connection().close();
                }
            }

            @Override
            public void end() {
                request.connection().close();
            }

            @Override
            public void broken(Throwable cause) {
            }
        };
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
    }

    /** Stops reading the body until {@link #resumeBody}: the silence that follows is the server's. */
    void pauseBody() {
        watch.bodyPaused();
        request.pause();
    }

    /** Reads the body again after {@link #pauseBody}. */
    void resumeBody() {
        watch.bodyResumed();
        request.resume();
    }

    /** Answers with a JSON body. */
    void json(int status, Buffer body) {
        if (answered) {
            return;
        }
        answered = true;
        HttpServerResponse response = request.response();
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE);
        response.end(body);
        recorded(status);
    }

    /** Answers with a JSON body rendered by {@code writer}. */
    void json(int status, Json.Writer writer) {
        json(status, services.json().render(writer));
    }

    /** Answers with the error response {@link ErrorMapper} chooses for {@code failure}. */
    void fail(Throwable failure) {
        if (answered) {
            return;
        }
        ErrorMapper.Mapped mapped = ErrorMapper.map(failure, this);
        HttpServerResponse response = request.response();
        if (failure instanceof Router.MethodNotAllowedException notAllowed) {
            response.putHeader(HttpHeaders.ALLOW, String.join(", ", notAllowed.allowed()));
        }
        errorHeaders(mapped);
        json(mapped.status(), g -> {
            g.writeStartObject();
            g.writeStringField("error", mapped.message());
            mapped.writeDetails(g);
            g.writeEndObject();
        });
    }

    /** The headers an error answer carries: the challenge of a 401, the wait of a 429. */
    void errorHeaders(ErrorMapper.Mapped mapped) {
        if (mapped.status() == 401) {
            request.response().putHeader("WWW-Authenticate", "Bearer realm=\"peregrine\"");
        } else if (mapped.status() == 429 && mapped.details().get(ApiException.RETRY_AFTER) != null) {
            request.response().putHeader("Retry-After", mapped.details().get(ApiException.RETRY_AFTER).toString());
        }
    }

    /** Marks the exchange answered by a handler that streams its own response (SSE, WebSocket). */
    void streaming(int status) {
        answered = true;
        recorded(status);
    }

    /**
     * Answers when {@code stage} completes: rendered by {@code render} on this event loop, or as
     * the mapped error when it fails.
     */
    <T> void answerWhenDone(CompletionStage<T> stage, Function<T, Buffer> render) {
        answerWhenDone(stage, value -> 200, render);
    }

    /** As {@link #answerWhenDone(CompletionStage, Function)}, with the status chosen by the value. */
    <T> void answerWhenDone(CompletionStage<T> stage, ToIntFunction<T> status, Function<T, Buffer> render) {
        stage.whenComplete((value, failure) -> onEventLoop(() -> {
            if (failure != null) {
                fail(failure);
                return;
            }
            try {
                json(status.applyAsInt(value), render.apply(value));
            } catch (RuntimeException e) {
                fail(e);
            }
        }));
    }

    /** Runs {@code action} on this request's event loop, whichever thread calls. */
    void onEventLoop(Runnable action) {
        if (Context.isOnEventLoopThread() && context == io.vertx.core.Vertx.currentContext()) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }

    /** Called by the guard: no body bytes arrived for {@code timeout}. */
    void bodyStalled(Duration timeout) {
        ApiException stalled = new ApiException(408, "the request body stalled: no bytes arrived for "
                + timeout.toMillis() + " ms (--body-timeout-ms)");
        failAndClose(stalled);
        brokenBody(stalled);
    }

    private void bodyChunk(Buffer chunk) {
        watch.bodyActivity();
        if (decoder == null || raw) {
            sink.chunk(chunk);
            return;
        }
        try {
            decoder.decode(chunk, decoded -> {
                if (!raw) { // the sink may refuse the body half-way through a chunk
                    sink.chunk(decoded);
                }
            });
        } catch (ApiException malformed) {
            failAndClose(malformed);
            brokenBody(malformed);
        }
    }

    private void bodyEnded() {
        watch.bodyEnded();
        if (decoder != null && !raw) {
            try {
                decoder.finish();
            } catch (ApiException malformed) {
                failAndClose(malformed);
                brokenBody(malformed);
                return;
            }
        }
        sink.end();
    }

    /**
     * The request stream failed before the body ended. Vert.x closes the connection as soon as this
     * returns, so an answer must be complete by then: {@link #failAndClose} flushes it first.
     */
    private void requestFailed(Throwable cause) {
        if (clientWentAway(cause)) {
            if (!answered) {
                answered = true;
                services.metrics().clientAbort(route, request.method().name(), System.nanoTime() - startNanos);
            }
        } else {
            failAndClose(ApiException.badRequest("malformed request body: " + rootMessage(cause)));
        }
        brokenBody(cause);
    }

    private void brokenBody(Throwable cause) {
        watch.bodyEnded();
        BodySink broken = sink;
        sink = DISCARD;
        raw = true;
        broken.broken(cause);
    }

    /** Answers {@code failure} (unless answered already), then closes the connection once that is flushed. */
    private void failAndClose(ApiException failure) {
        if (!answered) {
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
            fail(failure);
        }
        // Vert.x's close flushes what was written before closing, even in the middle of a read.
        request.connection().close();
    }

    /** Whether a request stream failure means the client closed or reset its connection. */
    private static boolean clientWentAway(Throwable cause) {
        return cause instanceof HttpClosedException || cause instanceof IOException;
    }

    private static boolean hasBody(HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            return true;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return length != null && !length.trim().equals("0");
    }

    /** The innermost cause's message: Netty wraps decoder errors in exceptions that only repeat it. */
    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    private void recorded(int status) {
        services.metrics().request(route, request.method().name(), status, System.nanoTime() - startNanos);
    }
}
