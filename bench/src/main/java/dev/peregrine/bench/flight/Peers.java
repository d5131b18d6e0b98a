package dev.peregrine.bench.flight;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.helpers.NOPAppender;
import dev.peregrine.flight.FlightLogger;
import dev.peregrine.flight.FlightRecorder;
import dev.peregrine.flight.Level;
import dev.peregrine.flight.slf4j.FlightServiceProvider;
import java.nio.file.Path;
import jdk.jfr.Event;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.StackTrace;
import org.apache.logging.log4j.LogManager;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One JMH state per logger under test, so a benchmark only starts the logger it measures (no idle
 * background threads from the others). Each peer is wired through its own API, never through
 * {@code org.slf4j.LoggerFactory}, because the class path holds two SLF4J providers (Logback and flight)
 * and the benchmark must say which one it drives.
 */
public final class Peers {
    private Peers() {
    }

    /** Ring slots for flight, the same as Log4j2's default async ring (256 Ki). */
    static final int RING = 1 << 18;

    /** Flight through its own allocation-free API. */
    @State(Scope.Benchmark)
    public static class Flight {
        FlightRecorder recorder;
        FlightLogger log;
        FlightLogger disabled;

        @Setup
        public void setup() {
            recorder = FlightRecorder.builder().capacity(RING).snapshotDirectory(Path.of("target")).build();
            log = recorder.logger(Workload.LOGGER);
            disabled = recorder.logger("bench.quiet");
            recorder.setLevel("bench.quiet", Level.WARN);
        }
    }

    /** Flight through the SLF4J API, with the logger taken from flight's provider class directly. */
    @State(Scope.Benchmark)
    public static class FlightSlf4j {
        org.slf4j.Logger log;
        org.slf4j.Logger disabled;

        @Setup
        public void setup() {
            FlightRecorder recorder = FlightRecorder.builder().capacity(RING).snapshotDirectory(Path.of("target")).level("bench.quiet", Level.WARN).build();
            FlightServiceProvider provider = new FlightServiceProvider(recorder);
            provider.initialize();
            log = provider.getLoggerFactory().getLogger(Workload.LOGGER);
            disabled = provider.getLoggerFactory().getLogger("bench.quiet");
        }
    }

    /**
     * Log4j2 all-async loggers, garbage-free, no-op ("Null") appender, discarding INFO when the ring is
     * full. The selector and queue policy are JVM properties set by the benchmark's {@code @Fork}.
     */
    @State(Scope.Benchmark)
    public static class Log4j2 {
        org.apache.logging.log4j.Logger log;
        org.apache.logging.log4j.Logger disabled;

        @Setup
        public void setup() {
            if (!"org.apache.logging.log4j.core.async.AsyncLoggerContextSelector".equals(System.getProperty("log4j2.contextSelector"))) {
                throw new IllegalStateException("run with the @Fork arguments: Log4j2 is not in all-async mode");
            }
            log = LogManager.getLogger(Workload.LOGGER);
            disabled = LogManager.getLogger("bench.quiet");
            if (!log.getClass().getName().endsWith("AsyncLogger")) {
                throw new IllegalStateException("expected an AsyncLogger, got " + log.getClass().getName());
            }
            org.apache.logging.log4j.core.config.Configurator.setLevel("bench.quiet", org.apache.logging.log4j.Level.WARN);
        }

        @TearDown
        public void tearDown() {
            LogManager.shutdown();
        }
    }

    /** Logback: AsyncAppender (neverBlock) in front of a no-op appender, built with Logback's own API. */
    @State(Scope.Benchmark)
    public static class Logback {
        ch.qos.logback.classic.Logger log;
        ch.qos.logback.classic.Logger disabled;
        LoggerContext context;

        @Setup
        public void setup() {
            context = new LoggerContext();
            context.setName("flight-bench");
            NOPAppender<ILoggingEvent> nop = new NOPAppender<>();
            nop.setContext(context);
            nop.start();
            AsyncAppender async = new AsyncAppender();
            async.setContext(context);
            async.setNeverBlock(true);
            async.setIncludeCallerData(false);
            async.setQueueSize(RING);
            async.addAppender(nop);
            async.start();
            log = context.getLogger(Workload.LOGGER);
            log.setAdditive(false);
            log.setLevel(ch.qos.logback.classic.Level.INFO);
            log.addAppender(async);
            disabled = context.getLogger("bench.quiet");
            disabled.setAdditive(false);
            disabled.setLevel(ch.qos.logback.classic.Level.WARN);
            disabled.addAppender(async);
        }

        @TearDown
        public void tearDown() {
            context.stop();
        }
    }

    /** A JFR custom event committed into an in-memory recording (no disk, no stack traces). */
    @State(Scope.Benchmark)
    public static class Jfr {
        Recording recording;

        @Setup
        public void setup() {
            recording = new Recording();
            recording.setToDisk(false);
            recording.enable(OrderFilled.class).withoutStackTrace().withoutThreshold();
            recording.start();
        }

        @TearDown
        public void tearDown() {
            recording.stop();
            recording.close();
        }
    }

    /** The JFR peer's event: the same three values plus the template as the message. */
    @Name("peregrine.bench.OrderFilled")
    @StackTrace(false)
    public static class OrderFilled extends Event {
        String message;
        long orderId;
        int qty;
        double px;
    }
}
