package dev.peregrine.store.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link LongPagedList}'s release/acquire publication under real contention: one writer appends across
 * the first page's growth (4, 8, … 8,192 elements, each a copy published by release), across page
 * boundaries and across spine growth, while reader threads read at and below the size they acquired.
 * Every element read must be the one written there: never a zero (an element or page not yet visible),
 * never an index out of a page's bounds (a stale, smaller first page), and sizes never go back.
 *
 * <p>A stress test rather than jcstress (not available to this build): many rounds, readers started
 * before the writer so that they race the smallest sizes, where the first page is replaced most often.
 * The seed of the readers' random indexes is printed on failure.
 */
class LongPagedListConcurrencyTest {

    private static final long SEED = 0x1095_6ED1L;
    private static final int ROUNDS = 60;
    private static final int READERS = 3;

    /** The value written at {@code index}: never zero, distinct, ascending (so upperBound applies). */
    private static long valueAt(int index) {
        return 2L * index + 1;
    }

    @Test
    void readersSeeEveryPublishedElementAsWritten() throws Exception {
        Random sizes = new Random(SEED);
        for (int round = 0; round < ROUNDS; round++) {
            int count = 3 * LongPagedList.PAGE_SIZE + sizes.nextInt(2 * LongPagedList.PAGE_SIZE);
            runRound(round, count);
        }
    }

    private static void runRound(int round, int count) throws InterruptedException {
        LongPagedList list = new LongPagedList();
        AtomicBoolean written = new AtomicBoolean();
        List<String> failures = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(READERS);
        Thread[] readers = new Thread[READERS];
        for (int r = 0; r < READERS; r++) {
            long seed = SEED + 31L * round + r;
            readers[r] = Thread.ofPlatform().name("reader-" + r).start(() -> {
                Random rnd = new Random(seed);
                ready.countDown();
                int previous = 0;
                try {
                    boolean last = false;
                    while (!last && failures.isEmpty()) {
                        last = written.get(); // one more pass after the writer is done
                        int n = list.size();
                        if (n < previous) {
                            failures.add("seed " + seed + ": size went back from " + previous + " to " + n);
                        }
                        previous = n;
                        if (n == 0) {
                            continue;
                        }
                        // The freshest elements race the writer; a random one and a stretch of the
                        // current page check that nothing published earlier changes.
                        check(list, n - 1, seed, failures);
                        check(list, rnd.nextInt(n), seed, failures);
                        for (int i = Math.max(0, n - 64); i < n; i++) {
                            check(list, i, seed, failures);
                        }
                        if (list.upperBound(valueAt(n - 1), n) != n) {
                            failures.add("seed " + seed + ": upperBound of the last value below " + n + " is not " + n);
                        }
                    }
                    if (previous != count) {
                        failures.add("seed " + seed + ": last size read " + previous + ", written " + count);
                    }
                } catch (RuntimeException e) {
                    failures.add("seed " + seed + ": " + e);
                }
            });
        }
        ready.await();
        for (int i = 0; i < count; i++) {
            list.add(valueAt(i));
        }
        written.set(true);
        for (Thread reader : readers) {
            reader.join(60_000);
            assertThat(reader.isAlive()).as("round %d: reader finished", round).isFalse();
        }
        assertThat(failures).as("round %d of seed %d", round, SEED).isEmpty();
    }

    private static void check(LongPagedList list, int index, long seed, List<String> failures) {
        long found = list.get(index);
        if (found != valueAt(index)) {
            failures.add("seed " + seed + ": element " + index + " is " + found + ", written " + valueAt(index));
        }
    }
}
