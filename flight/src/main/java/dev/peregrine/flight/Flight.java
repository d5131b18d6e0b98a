package dev.peregrine.flight;

import java.util.function.Supplier;

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

    /**
     * Makes the recorder that {@code factory} builds the process-wide one, unless one was already
     * created or installed, and returns the one in use. The factory runs at most once, so a recorder
     * (whose build installs process hooks) is never built only to be thrown away.
     */
    public static synchronized FlightRecorder installIfAbsent(Supplier<FlightRecorder> factory) {
        if (recorder == null) {
            recorder = factory.get();
        }
        return recorder;
    }
}
