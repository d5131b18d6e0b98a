/**
 * The SLF4J 2 binding: {@link dev.peregrine.flight.slf4j.FlightServiceProvider}, found by
 * {@code ServiceLoader}, so that existing {@code LoggerFactory.getLogger(...)} calls record into the
 * flight recorder.
 */
package dev.peregrine.flight.slf4j;
