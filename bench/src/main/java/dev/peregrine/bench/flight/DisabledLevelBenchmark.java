package dev.peregrine.bench.flight;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Cost of a call at a disabled level (the logger is at WARN, the call at INFO), written as users write
 * it, without an {@code isEnabled} guard. The floor is SLF4J's no-op logger. Flight counts every
 * disabled call exactly (the {@code filtered} counter); the others count nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {
    "-Dlog4j2.contextSelector=org.apache.logging.log4j.core.async.AsyncLoggerContextSelector",
    "-Dlog4j2.configurationFile=log4j2-flight-bench.xml"})
public class DisabledLevelBenchmark {

    @Benchmark
    public void slf4jNop(Workload w) {
        Workload.slf4j(org.slf4j.helpers.NOPLogger.NOP_LOGGER, w.nextId());
    }

    @Benchmark
    public void flightApi(Peers.Flight flight, Workload w) {
        Workload.flight(flight.disabled, w.nextId());
    }

    @Benchmark
    public boolean flightIsEnabled(Peers.Flight flight) {
        return flight.disabled.isEnabled(dev.peregrine.flight.Level.INFO);
    }

    @Benchmark
    public void flightSlf4j(Peers.FlightSlf4j flight, Workload w) {
        Workload.slf4j(flight.disabled, w.nextId());
    }

    @Benchmark
    public void log4j2(Peers.Log4j2 log4j, Workload w) {
        Workload.log4j(log4j.disabled, w.nextId());
    }

    @Benchmark
    public void logback(Peers.Logback logback, Workload w) {
        Workload.slf4j(logback.disabled, w.nextId());
    }
}
