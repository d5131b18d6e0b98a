package dev.peregrine.bench.flight;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Threads;

/** Latency of one log call from one thread (SampleTime: p50, p99, ...). */
@BenchmarkMode(Mode.SampleTime)
@Threads(1)
public class LoggingLatency1Thread extends FlightLoggingBenchmark {
}
