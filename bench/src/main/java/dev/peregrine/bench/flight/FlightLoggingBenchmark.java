package dev.peregrine.bench.flight;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * The logging fast path of flight and its peers on one workload ({@link Workload}): INFO, constant
 * logger, template {@code "order {} filled qty={} px={}"} with a long, an int and a double, no caller
 * location. Subclasses fix the mode and thread count so that one JMH run covers them all.
 *
 * <p>Arguments are passed the way each API's documentation recommends for its fastest path: flight's
 * typed {@code arg} overloads; Log4j2's {@code Unbox.box} (its garbage-free idiom); plain boxing for
 * the SLF4J and Logback APIs, which have no primitive overloads.
 */
@Fork(value = 1, jvmArgsAppend = {
    "-Dlog4j2.contextSelector=org.apache.logging.log4j.core.async.AsyncLoggerContextSelector",
    "-Dlog4j2.configurationFile=log4j2-flight-bench.xml",
    "-Dlog4j2.asyncQueueFullPolicy=Discard",
    "-Dlog4j2.discardThreshold=INFO",
    "-Dlog4j2.enableThreadlocals=true",
    "-Dlog4j2.enableDirectEncoders=true",
    "-Dlog4j2.asyncLoggerRingBufferSize=262144"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class FlightLoggingBenchmark {

    /**
     * The floor: reading the clock, which every peer does once per event (flight and Log4j2 read
     * {@code System.nanoTime}-class clocks). On virtual machines without a fast TSC clock source this
     * alone costs tens of nanoseconds.
     */
    @Benchmark
    public long clockNanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public void flightApi(Peers.Flight flight, Workload w) {
        Workload.flight(flight.log, w.nextId());
    }

    @Benchmark
    public void flightSlf4j(Peers.FlightSlf4j flight, Workload w) {
        Workload.slf4j(flight.log, w.nextId());
    }

    @Benchmark
    public void log4j2AllAsync(Peers.Log4j2 log4j, Workload w) {
        Workload.log4j(log4j.log, w.nextId());
    }

    @Benchmark
    public void logbackAsync(Peers.Logback logback, Workload w) {
        Workload.slf4j(logback.log, w.nextId());
    }

    @Benchmark
    public void jfrEvent(Peers.Jfr jfr, Workload w) {
        long id = w.nextId();
        Peers.OrderFilled e = new Peers.OrderFilled();
        e.message = Workload.TEMPLATE;
        e.orderId = id;
        e.qty = Workload.qty(id);
        e.px = Workload.px(id);
        e.commit();
    }
}
