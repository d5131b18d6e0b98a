package dev.peregrine.flight.slf4j;

import dev.peregrine.flight.Flight;
import dev.peregrine.flight.FlightRecorder;
import dev.peregrine.flight.internal.slf4j.FlightLoggerFactory;
import dev.peregrine.flight.internal.slf4j.FlightMdcAdapter;
import java.util.function.Supplier;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J 2 provider: with the flight jar on the class or module path, {@code LoggerFactory.getLogger}
 * returns loggers that record into {@link Flight#recorder()}. Registered through {@code ServiceLoader}
 * ({@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider} and {@code provides} in
 * {@code module-info}). When several providers are present, pick this one with
 * {@code -Dslf4j.provider=dev.peregrine.flight.slf4j.FlightServiceProvider}.
 *
 * <p>{@link #FlightServiceProvider(FlightRecorder)} binds a provider to a given recorder without going
 * through SLF4J's global state (useful for tests and benchmarks).
 */
public final class FlightServiceProvider implements SLF4JServiceProvider {
    /** The SLF4J API version this provider is written against. */
    public static final String REQUESTED_API_VERSION = "2.0.99";

    private final Supplier<FlightRecorder> recorder;
    private volatile ILoggerFactory loggerFactory;
    private volatile IMarkerFactory markerFactory;
    private volatile FlightMdcAdapter mdcAdapter;

    /** The provider ServiceLoader instantiates: records into {@link Flight#recorder()}. */
    public FlightServiceProvider() {
        this.recorder = Flight::recorder;
    }

    /** A provider recording into {@code recorder}; call {@link #initialize()} before use. */
    public FlightServiceProvider(FlightRecorder recorder) {
        this.recorder = () -> recorder;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return REQUESTED_API_VERSION;
    }

    @Override
    public void initialize() {
        FlightMdcAdapter mdc = new FlightMdcAdapter();
        this.mdcAdapter = mdc;
        this.markerFactory = new BasicMarkerFactory();
        this.loggerFactory = new FlightLoggerFactory(recorder.get(), mdc);
    }
}
