package dev.peregrine.flight;

/**
 * The process-wide recorder, used by the SLF4J provider. Created on first use from
 * {@link FlightProperties#load()} on top of the provider defaults (console on; snapshots on SIGTERM and
 * on uncaught exceptions). An application that wants to build its own recorder calls
 * {@link #install(FlightRecorder)} before its first {@code LoggerFactory.getLogger}.
 *
 * <pre>{@code
 * Flight.install(FlightRecorder.builder().service("peregrine").apply(FlightProperties.load()).build());
 * Logger log = LoggerFactory.getLogger(Main.class);   // lands in the ring
 * FlightMetrics m = Flight.recorder().metrics();       // expose through Prometheus
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class Flight {
    private static volatile FlightRecorder recorder;

    private Flight() {
    }

    /** The process-wide recorder, created from the configuration on first call. */
    public static FlightRecorder recorder() {
        FlightRecorder r = recorder;
        if (r != null) {
            return r;
        }
        synchronized (Flight.class) {
            if (recorder == null) {
                recorder = defaults().apply(FlightProperties.load()).build();
            }
            return recorder;
        }
    }

    /** The builder the process-wide recorder starts from, before properties are applied. */
    public static FlightRecorder.Builder defaults() {
        return FlightRecorder.builder().console(true).snapshotOnSigterm(true).snapshotOnUncaughtException(true);
    }

    /**
     * Makes {@code custom} the process-wide recorder.
     *
     * @throws IllegalStateException if one was already created or installed
     */
    public static synchronized void install(FlightRecorder custom) {
        if (recorder != null && recorder != custom) {
            throw new IllegalStateException("the process-wide flight recorder already exists; install yours before the first log call");
        }
        recorder = custom;
    }
}
