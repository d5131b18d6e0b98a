package dev.peregrine.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logging path allocates nothing in steady state, measured with the JVM's per-thread allocation
 * counter (the benchmark's {@code -prof gc} figure is the authoritative one; this guards regressions).
 */
class AllocationTest {
    @TempDir
    Path dir;

    @Test
    void loggingAllocatesNothingOnceWarm() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FlightRecorder recorder = FlightRecorder.builder().capacity(1 << 12).snapshotDirectory(dir).build();
        FlightLogger log = recorder.logger("orders");
        FlightLogger quiet = recorder.logger("quiet");
        recorder.setLevel("quiet", Level.ERROR);
        String note = "constant string argument";
        for (int i = 0; i < 20_000; i++) {
            emit(log, quiet, i, note);
        }
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 200_000; i++) {
            emit(log, quiet, i, note);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        // The counter itself is read through a bean call that may allocate a few bytes; 200k events would show
        // at least 200k * 16 bytes if the path allocated anything per event.
        assertThat(allocated).as("bytes allocated by 200000 events").isLessThan(4096);
    }

    private static void emit(FlightLogger log, FlightLogger quiet, int i, String note) {
        log.atInfo("order {} filled qty={} px={} {}").arg((long) i).arg(i & 15).arg(i * 0.25).arg(note).field("ok", true).log();
        quiet.atInfo("filtered {}").arg(i).log();
    }
}
