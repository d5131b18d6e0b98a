package dev.peregrine.flight.internal.slf4j;

import dev.peregrine.flight.FlightRecorder;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** SLF4J logger factory over one recorder: one logger per name. Thread-safe. */
public final class FlightLoggerFactory implements ILoggerFactory {
    private final FlightRecorder recorder;
    private final FlightMdcAdapter mdc;
    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();

    public FlightLoggerFactory(FlightRecorder recorder, FlightMdcAdapter mdc) {
        this.recorder = recorder;
        this.mdc = mdc;
    }

    @Override
    public Logger getLogger(String name) {
        Logger logger = loggers.get(name);
        return logger != null ? logger : loggers.computeIfAbsent(name, n -> new FlightSlf4jLogger(recorder.logger(n), mdc));
    }
}
