package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.subscription.SubscriptionListener;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code GET /api/v1/events/stream}: a WebSocket carrying one event JSON per text frame. The
 * initial filter and start come from the query string as for SSE; the client may send
 * {@code {"entity_id": …, "event_type": …, "tenant_id": …, "from_position": …}} at any time to
 * change the filter, which takes effect after the last event sent (no gap, no duplicate). A bad
 * message is answered with an {@code {"error": …}} frame and changes nothing.
 *
 * <p>Thread-safety: events arrive on the subscription's thread; a filter change runs on a virtual
 * thread (it may wait for a sender blocked on back-pressure, which an event loop must not).
 * {@link #lock} orders them: a sender checks it still belongs to the current subscription
 * ({@link #generation}) and records {@link #lastSent} under it, and a change reads both under it.
 */
final class WebSocketStream {
    private final Services services;
    private final ServerWebSocket socket;
    private final StreamGate gate;
    private final TenantScope scope;
    private final ReentrantLock lock = new ReentrantLock();
    private int generation;
    private long lastSent;
    private StartPosition initialStart;
    private Subscription subscription;

    private WebSocketStream(Services services, ServerWebSocket socket, Context context, TenantScope scope) {
        this.services = services;
        this.scope = scope;
        this.socket = socket;
        this.gate = new StreamGate(socket, context);
    }

    static void start(Exchange exchange) {
        // Checked here: Vert.x would answer a plain GET with a text/plain 400 of its own.
        if (!"websocket".equalsIgnoreCase(exchange.request().getHeader("Upgrade"))) {
            throw ApiException.badRequest("this endpoint needs a WebSocket upgrade request (Upgrade: websocket);"
                    + " for a plain HTTP stream use GET /api/v1/events/subscribe (Server-Sent Events)");
        }
        StreamRequest request = StreamRequest.parse(QueryParameters.of(exchange.request()), null,
                exchange.services().store().lastPosition(), exchange.scope());
        Services services = exchange.services();
        exchange.request().toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                exchange.fail(ApiException.badRequest("WebSocket handshake failed: " + upgraded.cause().getMessage()
                        + " (this endpoint needs a WebSocket upgrade request)"));
                return;
            }
            exchange.streaming(101);
            ServerWebSocket socket = upgraded.result();
            WebSocketStream stream = new WebSocketStream(services, socket, exchange.context(), exchange.scope());
            services.metrics().subscribers().incrementAndGet();
            stream.initialStart = request.start();
            stream.subscribe(request.filter(), request.start());
            socket.textMessageHandler(text -> Thread.ofVirtual().name("peregrine-ws-filter")
                    .start(() -> stream.changeFilter(text)));
            Runnable registration = services.streams().add(() -> socket.close((short) 1001, "server shutting down"));
            socket.closeHandler(closed -> {
                services.streams().remove(registration);
                stream.close();
            });
        });
    }

    private void subscribe(SubscriptionFilter filter, StartPosition start) {
        lock.lock();
        try {
            int mine = ++generation;
            if (subscription != null) {
                subscription.close();
            }
            subscription = services.store().subscriptions().subscribe(start, filter, new Sender(mine));
        } finally {
            lock.unlock();
        }
    }

    private void changeFilter(String text) {
        FilterMessage message;
        try {
            message = FilterMessage.parse(services.json(), text, scope);
        } catch (RuntimeException | IOException e) {
            String reason = ErrorMapper.message(e, services, "a WebSocket filter change");
            socket.writeTextMessage(services.json().error(reason).toString(StandardCharsets.UTF_8));
            return;
        }
        lock.lock();
        try {
            StartPosition start = message.fromPosition().isPresent() ? StartPosition.at(message.fromPosition().getAsLong())
                    : lastSent > 0 ? StartPosition.at(lastSent + 1) : initialStart;
            subscribe(message.filter(), start);
        } finally {
            lock.unlock();
        }
    }

    private void close() {
        gate.close();
        lock.lock();
        try {
            generation++;
            if (subscription != null) {
                subscription.close();
            }
        } finally {
            lock.unlock();
        }
        services.metrics().subscribers().decrementAndGet();
    }

    /** Delivers one subscription's events while it is the current one. */
    private final class Sender implements SubscriptionListener {
        private final int generationOfThis;

        Sender(int generation) {
            this.generationOfThis = generation;
        }

        @Override
        public void onEvent(StoredEvent event) throws InterruptedException {
            String json = EventJsonWriter.event(event, scope).toString(StandardCharsets.UTF_8);
            lock.lock();
            try {
                if (generationOfThis != generation) {
                    throw new StreamGate.ClosedException(); // replaced: end this subscription quietly
                }
                gate.awaitWritable();
                socket.writeTextMessage(json);
                lastSent = event.position();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            if (cause != null && !(cause instanceof StreamGate.ClosedException) && !gate.isClosed()) {
                socket.writeTextMessage(services.json().error("subscription ended: "
                        + ErrorMapper.message(cause, services, "a WebSocket subscription"))
                        .toString(StandardCharsets.UTF_8));
                socket.close((short) 1011, "subscription ended");
            }
        }
    }

    /** {@code {"entity_id","event_type","tenant_id","from_position"}}, every field optional. */
    record FilterMessage(SubscriptionFilter filter, OptionalLong fromPosition) {
        /** A tenant-bound {@code scope} keeps the new filter to its tenant (another is an error frame). */
        static FilterMessage parse(Json json, String text, TenantScope scope) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            try (JsonParser parser = json.parser(bytes, 0, bytes.length)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw ApiException.badRequest("a filter message is a JSON object such as"
                            + " {\"entity_id\":\"user-1\",\"event_type\":\"user.created\"}");
                }
                Optional<String> entityId = Optional.empty();
                Optional<String> eventType = Optional.empty();
                Optional<String> tenantId = Optional.empty();
                OptionalLong from = OptionalLong.empty();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    switch (name) {
                        case "entity_id" -> entityId = string(parser, value, name);
                        case "event_type" -> eventType = string(parser, value, name);
                        case "tenant_id" -> tenantId = string(parser, value, name);
                        case "from_position" -> {
                            if (value != JsonToken.VALUE_NUMBER_INT || parser.getLongValue() < 1) {
                                throw ApiException.badRequest("'from_position' must be an integer ≥ 1");
                            }
                            from = OptionalLong.of(parser.getLongValue());
                        }
                        default -> parser.skipChildren();
                    }
                }
                return new FilterMessage(StreamRequest.filter(entityId, eventType, tenantId, scope), from);
            }
        }

        private static Optional<String> string(JsonParser parser, JsonToken value, String name) throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return Optional.empty();
            }
            if (value != JsonToken.VALUE_STRING || parser.getText().isEmpty()) {
                throw ApiException.badRequest("'" + name + "' must be a non-empty string or null, got "
                        + EventRequestParser.describe(value));
            }
            return Optional.of(parser.getText());
        }
    }
}
