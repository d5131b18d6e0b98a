package dev.peregrine.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs one writer on the calling thread against reader threads that check in a loop, with the two
 * paced against each other by counts, not time: after each step of its work the writer waits until
 * the readers made at least {@code minPerStep} checks per step so far, and the readers pause while
 * they are {@code maxPerStep} checks per step ahead. So reads interleave with every step whatever
 * the machine's speed, and the readers do not starve the writer of the cores.
 */
public final class UnderReaders {

    /** One check a reader makes; throws on a wrong answer. */
    @FunctionalInterface
    public interface Check {
        /** @param random this reader's seeded source @throws Exception on a failure */
        void check(Random random) throws Exception;
    }

    /** The writer's work; calls {@link Pace#step} after each step. */
    @FunctionalInterface
    public interface Writer {
        /** @param pace to report steps to @throws Exception on a failure */
        void write(Pace pace) throws Exception;
    }

    /** Paces the writer against the readers. */
    public static final class Pace {
        private final AtomicLong steps = new AtomicLong();
        private final AtomicLong checks = new AtomicLong();
        private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private final int minPerStep;
        private final int maxPerStep;

        private Pace(int minPerStep, int maxPerStep) {
            this.minPerStep = minPerStep;
            this.maxPerStep = maxPerStep;
        }

        /** Marks one more step done and waits for the readers to catch up with it. */
        public void step() {
            long done = steps.incrementAndGet();
            while (checks.get() < minPerStep * (done - 1) && failures.isEmpty()) {
                LockSupport.parkNanos(20_000);
            }
        }

        /** @return whether the writer failed or a reader did (the writer may stop early) */
        public boolean failed() {
            return !failures.isEmpty();
        }
    }

    private UnderReaders() {
    }

    /**
     * @param what what is tested, for the messages
     * @param seed the run's seed (each reader gets its own {@link Random} from it)
     * @param readers reader threads
     * @param minPerStep checks per writer step the writer waits for
     * @param maxPerStep checks per writer step beyond which readers pause
     * @param writer the writer's work
     * @param check one reader check
     * @return the number of checks made
     * @throws AssertionError naming the seed if the writer or a reader failed, or no reader ran
     */
    public static long run(String what, long seed, int readers, int minPerStep, int maxPerStep, Writer writer,
                           Check check) throws InterruptedException {
        Pace pace = new Pace(minPerStep, maxPerStep);
        Random random = new Random(seed);
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < readers; t++) {
            Random r = new Random(random.nextLong());
            threads.add(Thread.ofPlatform().name("reader-" + t).start(() -> {
                try {
                    while (!done.get()) {
                        if (pace.checks.get() > maxPerStep * (pace.steps.get() + 1)) {
                            LockSupport.parkNanos(20_000); // far enough ahead: leave the cores to the writer
                            continue;
                        }
                        check.check(r);
                        pace.checks.incrementAndGet();
                    }
                } catch (Throwable e) {
                    pace.failures.add(e);
                }
            }));
        }
        try {
            writer.write(pace);
        } catch (Throwable e) {
            pace.failures.add(e);
        } finally {
            done.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
        String context = what + ", seed " + seed + " (replay with -Dperegrine.model.seed=" + seed + ")";
        assertThat(pace.failures).as(context + ": failures of the writer and the readers").isEmpty();
        assertThat(pace.checks.get()).as(context + ": readers checked throughout")
                .isGreaterThanOrEqualTo(minPerStep * (pace.steps.get() - 1));
        return pace.checks.get();
    }
}
