/**
 * Peregrine's flight recorder: the last N structured log events of a process, kept in a preallocated,
 * lock-free ring at almost no cost, and written to a compact snapshot file when asked or when something
 * goes wrong (JVM shutdown, SIGTERM, an uncaught exception, an ERROR event).
 *
 * <p>Entry points:
 * <ul>
 *   <li>{@link dev.peregrine.flight.FlightRecorder} and its builder: the ring, loggers, snapshots, metrics;</li>
 *   <li>{@link dev.peregrine.flight.FlightLogger} and {@link dev.peregrine.flight.EventBuilder}: allocation-free logging;</li>
 *   <li>{@link dev.peregrine.flight.Flight}: the process-wide recorder behind the SLF4J provider
 *       ({@link dev.peregrine.flight.slf4j.FlightServiceProvider});</li>
 *   <li>{@link dev.peregrine.flight.FlightProperties}: configuration the way Logback and Log4j users expect;</li>
 *   <li>{@link dev.peregrine.flight.FlightSnapshot}: reading snapshot files back
 *       (format: {@code docs/flight-format.md}).</li>
 * </ul>
 */
package dev.peregrine.flight;
