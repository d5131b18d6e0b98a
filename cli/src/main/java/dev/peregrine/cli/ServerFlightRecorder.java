package dev.peregrine.cli;

import dev.peregrine.flight.Flight;
import dev.peregrine.flight.FlightMetrics;
import dev.peregrine.flight.FlightProperties;
import dev.peregrine.flight.FlightRecorder;
import dev.peregrine.server.ExtraMetric;
import dev.peregrine.server.ExtraMetric.Kind;
import dev.peregrine.server.ServerLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The flight recorder of a {@code peregrine serve} process: the SLF4J provider behind the server's own
 * logs, and the flight counters on {@code GET /metrics}. The server module knows nothing of flight
 * (DESIGN: flight stands alone); this class, in the one module that sees both, joins them.
 */
final class ServerFlightRecorder {
    /**
     * Server log lines carry paths, URLs and several arguments; 512-byte slots keep them whole where
     * flight's default of 128 (sized for short application events) would cut them.
     */
    private static final int SLOT_BYTES = 512;

    private ServerFlightRecorder() {
    }

    /**
     * Installs the process-wide recorder, writing its snapshots to {@code <data>/flight}, unless one
     * already runs (tests start several servers in one JVM). {@code flight.*} properties still apply
     * on top, so an operator can change any of this.
     */
    static FlightRecorder install(Path dataDirectory) {
        return Flight.installIfAbsent(() -> Flight.defaults()
                .service("peregrine")
                .slotBytes(SLOT_BYTES)
                .snapshotDirectory(dataDirectory.resolve("flight"))
                .apply(FlightProperties.load())
                .build());
    }

    /** The recorder's accounting as Prometheus metrics, read from the process-wide recorder at each scrape. */
    static List<ExtraMetric> metrics() {
        return List.of(
                counter("peregrine_flight_events_recorded_total", "Log events written to the flight ring",
                        FlightMetrics::recorded),
                counter("peregrine_flight_events_filtered_total", "Log events below their logger's level",
                        FlightMetrics::filtered),
                counter("peregrine_flight_events_overwritten_total", "Ring events overwritten by newer ones",
                        FlightMetrics::overwritten),
                counter("peregrine_flight_snapshots_total", "Flight snapshot files written", FlightMetrics::snapshots),
                counter("peregrine_flight_snapshot_failures_total", "Flight snapshots that failed",
                        FlightMetrics::snapshotFailures),
                gauge("peregrine_flight_ring_retained_events", "Events the ring holds now", FlightMetrics::retained),
                gauge("peregrine_flight_ring_utilisation_ratio", "Share of ring slots in use",
                        FlightMetrics::utilisation),
                gauge("peregrine_flight_snapshot_last_seconds", "Duration of the last flight snapshot",
                        m -> m.snapshotNanosLast() / 1e9));
    }

    /**
     * The process-wide recorder as the server's log, for the web console's server log page: the
     * newest ring events, and snapshots written beside the others in {@code <data>/flight}.
     */
    static ServerLog serverLog() {
        return new ServerLog() {
            @Override
            public List<Line> recent(long afterSequence, int max) {
                return Flight.recorder().recent(afterSequence, max).stream()
                        .map(event -> new Line(event.sequence(), event.timestamp(), event.level().name(),
                                event.threadName(), event.target(), event.message()))
                        .toList();
            }

            @Override
            public Path snapshot() throws IOException {
                return Flight.recorder().snapshot("console");
            }
        };
    }

    private static ExtraMetric counter(String name, String help, ToDoubleFunction<FlightMetrics> read) {
        return new ExtraMetric(Kind.COUNTER, name, help, () -> read.applyAsDouble(Flight.recorder().metrics()));
    }

    private static ExtraMetric gauge(String name, String help, ToDoubleFunction<FlightMetrics> read) {
        return new ExtraMetric(Kind.GAUGE, name, help, () -> read.applyAsDouble(Flight.recorder().metrics()));
    }
}
