package dev.peregrine.bench.flight;

import dev.peregrine.flight.FlightLogger;
import dev.peregrine.flight.FlightRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Snapshot of a full ring of 1,048,576 workload events to a file (LZ4, fsync, atomic rename). JMH
 * reports snapshots/s; the auxiliary counters report events/s and file bytes/s, whose ratio is the
 * bytes per event on disk.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class SnapshotBenchmark {
    static final int EVENTS = 1 << 20;

    @State(Scope.Benchmark)
    public static class FullRing {
        FlightRecorder recorder;
        Path dir;
        Path file;

        @Setup(Level.Trial)
        public void fill() throws IOException {
            dir = Files.createTempDirectory("flight-snapshot-bench");
            file = dir.resolve("bench.pgfl");
            recorder = FlightRecorder.builder().capacity(EVENTS).snapshotDirectory(dir).build();
            FlightLogger log = recorder.logger(Workload.LOGGER);
            Workload w = new Workload();
            for (int i = 0; i < EVENTS; i++) {
                Workload.flight(log, w.nextId());
            }
        }

        @TearDown(Level.Trial)
        public void clean() throws IOException {
            System.out.printf("%nsnapshot file: %d bytes for %d events = %.2f bytes/event%n",
                    Files.size(file), EVENTS, (double) Files.size(file) / EVENTS);
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** Per-snapshot totals that JMH turns into rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Copied {
        public long events;
        public long bytes;
    }

    @Benchmark
    public Path snapshotFullRing(FullRing ring, Copied copied) throws IOException {
        Path written = ring.recorder.snapshotTo(ring.file, "bench");
        copied.events += EVENTS;
        copied.bytes += Files.size(written);
        return written;
    }
}
