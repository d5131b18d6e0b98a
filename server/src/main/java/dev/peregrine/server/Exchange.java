package dev.peregrine.server;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One request being answered: the matched route, its path parameters, and the ways to answer it
 * (JSON body or JSON error), each recorded once in the metrics.
 *
 * <p>Confined to the event loop that received the request. Work finishing on another thread (the
 * store's sequencer, a worker) comes back through {@link #onEventLoop}, so that rendering the
 * response never steals time from the store's single writer.
 */
final class Exchange {
    private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");

    private final HttpServerRequest request;
    private final Context context;
    private final Services services;
    private final String route;
    private final Map<String, String> pathParameters;
    private final long startNanos;
    private boolean answered;

    Exchange(HttpServerRequest request, Context context, Services services, String route,
             Map<String, String> pathParameters, long startNanos) {
        this.request = request;
        this.context = context;
        this.services = services;
        this.route = route;
        this.pathParameters = pathParameters;
        this.startNanos = startNanos;
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
        json(mapped.status(), g -> {
            g.writeStartObject();
            g.writeStringField("error", mapped.message());
            mapped.writeDetails(g);
            g.writeEndObject();
        });
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
        stage.whenComplete((value, failure) -> onEventLoop(() -> {
            if (failure != null) {
                fail(failure);
                return;
            }
            try {
                json(200, render.apply(value));
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

    private void recorded(int status) {
        services.metrics().request(route, request.method().name(), status, System.nanoTime() - startNanos);
    }
}
