package dev.peregrine.server;

/** The streaming endpoints: SSE ({@link SseStream}) and WebSocket ({@link WebSocketStream}). */
final class StreamRoutes {
    private StreamRoutes() {
    }

    static void register(Router router) {
        router.add("GET", "/api/v1/events/subscribe", SseStream::start);
        router.add("GET", "/api/v1/events/stream", WebSocketStream::start);
    }
}
