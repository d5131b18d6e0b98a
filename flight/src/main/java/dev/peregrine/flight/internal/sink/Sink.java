package dev.peregrine.flight.internal.sink;

import dev.peregrine.flight.FlightEvent;

/** A backend fed from the ring by the {@link SinkTailer}'s thread: never by producer threads. */
public interface Sink extends AutoCloseable {
    /** Handles one event; must not block for long (queue or drop instead). */
    void accept(FlightEvent event);

    /** Called when the tailer has caught up with the ring: push buffered output out. */
    void flush();

    /** Flushes and releases resources. */
    @Override
    void close();
}
