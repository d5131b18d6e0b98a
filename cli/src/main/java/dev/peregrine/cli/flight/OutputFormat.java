package dev.peregrine.cli.flight;

import dev.peregrine.flight.FlightEvent;

/** How {@code show} and {@code grep} print events. */
enum OutputFormat {
    /** Human-readable lines, coloured on a terminal. */
    text,
    /** One JSON object per line with every attribute. */
    ndjson,
    /** One JSON object per line in Peregrine's event-ingest shape ({@code event_type}, {@code entity_id}, {@code payload}). */
    ingest;

    String render(FlightEvent e, boolean color) {
        return switch (this) {
            case text -> e.toLine(color);
            case ndjson -> e.toJson();
            case ingest -> e.toIngestJson();
        };
    }
}
