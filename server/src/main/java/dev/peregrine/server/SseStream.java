package dev.peregrine.server;

import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionListener;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /api/v1/events/subscribe}: Server-Sent Events, one event per message with
 * {@code id:} = its global position and {@code data:} = the event JSON. A client reconnecting
 * with {@code Last-Event-ID} (browsers do it by themselves) resumes right after the last event it
 * received, catching up from the log with no gap and no duplicate; {@code from_position} starts
 * anywhere; without either, the stream starts with the next event committed.
 *
 * <p>Events are written from the subscription's own thread, which waits (see {@link StreamGate})
 * when the client reads slower than events arrive. A comment line every
 * {@value #HEARTBEAT_MILLIS} ms keeps idle connections open through proxies.
 */
final class SseStream implements SubscriptionListener {
    static final long HEARTBEAT_MILLIS = 15_000;
    private static final Buffer HEARTBEAT = Buffer.buffer(": keep-alive\n\n");

    private final Services services;
    private final HttpServerResponse response;
    private final StreamGate gate;
    private final TenantScope scope;

    private SseStream(Exchange exchange) {
        this.services = exchange.services();
        this.scope = exchange.scope();
        this.response = exchange.request().response();
        this.gate = new StreamGate(response, exchange.context());
    }

    static void start(Exchange exchange) {
        StreamRequest request = StreamRequest.parse(QueryParameters.of(exchange.request()),
                exchange.request().getHeader("Last-Event-ID"), exchange.services().store().lastPosition(),
                exchange.scope());
        SseStream stream = new SseStream(exchange);
        HttpServerResponse response = exchange.request().response();
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        exchange.streaming(200);
        response.write(": subscribed\n\n"); // sends the headers now, so the client knows it is connected
        Subscription subscription = exchange.services().store().subscriptions()
                .subscribe(request.start(), request.filter(), stream);
        exchange.services().metrics().subscribers().incrementAndGet();
        long heartbeat = exchange.context().owner().setPeriodic(HEARTBEAT_MILLIS, id -> response.write(HEARTBEAT));
        Runnable end = () -> {
            exchange.context().owner().cancelTimer(heartbeat);
            stream.gate.close();
            subscription.close();
        };
        Runnable registration = exchange.services().streams().add(() -> exchange.context().runOnContext(ignored -> {
            end.run();
            response.end();
        }));
        response.closeHandler(closed -> {
            exchange.services().streams().remove(registration);
            end.run();
        });
    }

    @Override
    public void onEvent(StoredEvent event) throws InterruptedException {
        Buffer json = EventJsonWriter.event(event, scope);
        Buffer message = Buffer.buffer(json.length() + 32)
                .appendString("id: ").appendString(Long.toString(event.position()))
                .appendString("\ndata: ").appendBuffer(json).appendString("\n\n");
        gate.awaitWritable();
        response.write(message);
    }

    @Override
    public void onClosed(Throwable cause) {
        services.metrics().subscribers().decrementAndGet();
        if (cause != null && !(cause instanceof StreamGate.ClosedException) && !gate.isClosed()) {
            // The store ended the subscription (closing, or a storage failure): tell the client why.
            Buffer error = services.json().error("subscription ended: "
                    + ErrorMapper.message(cause, services, "an SSE subscription"));
            response.write(Buffer.buffer("event: error\ndata: ").appendBuffer(error)
                    .appendString("\n\n", StandardCharsets.UTF_8.name()));
            response.end();
        }
    }
}
