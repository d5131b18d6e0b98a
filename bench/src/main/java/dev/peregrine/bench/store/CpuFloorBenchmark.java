package dev.peregrine.bench.store;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The machine's own tail for a few microseconds of pure computation: no memory beyond registers, no
 * allocation, no system call. Run it in the same JMH invocation as {@link ReadBenchmark} and compare
 * percentiles: what the query's p99 has above this floor's p99 at the same median is the read path's;
 * the rest is the machine (timer interrupts, the hypervisor taking the vCPU, JMH's own sampling).
 * {@code tokens} picks the length of the spin; about 1,000 tokens take a few microseconds here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CpuFloorBenchmark {

    @Param({"500", "1000", "2000", "4000"})
    public long tokens;

    /** Spins for {@code tokens} units of Blackhole's calibrated CPU work. */
    @Benchmark
    public void spin() {
        Blackhole.consumeCPU(tokens);
    }
}
