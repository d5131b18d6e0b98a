package dev.peregrine.flight;

/** A key-value field of a {@link FlightEvent}: from the event itself, or from the SLF4J MDC. */
public record FlightField(String key, FlightValue value) {
}
