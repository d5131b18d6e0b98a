package dev.peregrine.store.index;

import dev.peregrine.store.UnderReaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lock-free indexes under real contention: one writer grows each through its thresholds while
 * four reader threads check every answer against what the writer published (a volatile "visible"
 * position, as the sequencer publishes it), paced by {@link UnderReaders} so that reads interleave
 * with every step. The indexes live in {@link MappedIndexMemory}, as a store's do. Seeds are random,
 * printed on failure, and settable with {@code -Dperegrine.model.seed}.
 */
class IndexesUnderReadersTest {

    private static final int READERS = 4;

    @TempDir
    Path dir;

    private static long seed() {
        return Long.getLong("peregrine.model.seed", System.nanoTime() % 1_000_000_000L);
    }

    private static long value(int index) {
        return 31L * index + 7;
    }

    /**
     * {@link LongPagedList}: list after list of random sizes up to five pages, so the first page's
     * copy-on-grow, new pages and the spine's doubling all happen under readers, which check every
     * index they may read (below an acquired size): the last, the first, one at a page boundary, a
     * random one, and a binary search.
     */
    @Test
    void pagedListsPublishEveryElement() throws InterruptedException {
        long seed = seed();
        Random random = new Random(seed ^ 1);
        AtomicLong current = new AtomicLong(); // which list readers look at: lists[current]
        MappedIndexMemory memory = new MappedIndexMemory(dir);
        LongPagedList[] lists = new LongPagedList[2000];
        for (int l = 0; l < lists.length; l++) {
            lists[l] = new LongPagedList(memory);
        }
        UnderReaders.run("LongPagedList", seed, READERS, 1, 8, pace -> {
            for (int l = 0; l < lists.length; l++) {
                current.set(l);
                int size = random.nextInt(4) == 0 ? random.nextInt(5 * LongPagedList.PAGE_SIZE) : random.nextInt(64);
                for (int i = 0; i < size; i++) {
                    lists[l].add(value(i));
                    if ((i & 127) == 0) {
                        pace.step();
                    }
                }
            }
        }, r -> {
            LongPagedList list = lists[(int) current.get()];
            int n = list.size(); // acquire: every index below n is readable
            if (n == 0) {
                return;
            }
            for (int i : new int[] {n - 1, 0, r.nextInt(n), Integer.highestOneBit(n) - 1, (n - 1) & ~LongPagedList.PAGE_MASK}) {
                long v = list.get(i);
                if (v != value(i)) {
                    throw new AssertionError("index " + i + " below size " + n + " holds " + v + ", not " + value(i));
                }
            }
            int j = r.nextInt(n);
            int bound = list.upperBound(value(j), n);
            if (bound != j + 1) {
                throw new AssertionError("upperBound(value of " + j + ") below size " + n + " is " + bound);
            }
        });
    }

    private static long msbOf(long position) {
        long h = position * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    private static long lsbOf(long position) {
        return ~position;
    }

    /**
     * {@link EventIdIndex}: 200,000 ids (eight doublings of the table) put in batches, each published
     * after its ids like the sequencer does. The id source reads ids from arrays the writer fills
     * before it indexes a position, as the log holds an entry's bytes before any index sees its
     * position. Readers find every id at or below the visible position, and none above it. With the
     * full tag every doubling is done from the slots' tags, and no id is read back for it; with a
     * 12-bit tag the doublings past 4,096 slots read every id's hash back, as a store's do past
     * 2^24 slots.
     */
    @ParameterizedTest(name = "tag bits {0}")
    @ValueSource(ints = {EventIdIndex.TAG_BITS, 12})
    void idTableFindsEveryVisibleIdWhileItGrows(int tagBits) throws InterruptedException {
        long seed = seed();
        Random random = new Random(seed ^ 2);
        int n = 200_000;
        long[] msb = new long[n + 1];
        long[] lsb = new long[n + 1];
        AtomicLong hashesReadBack = new AtomicLong();
        EventIdIndex index = new EventIdIndex(new EventIdIndex.IdSource() {
            @Override
            public long msb(long position) {
                return msb[(int) position];
            }

            @Override
            public long lsb(long position) {
                return lsb[(int) position];
            }

            @Override
            public int idHash(long position) {
                hashesReadBack.incrementAndGet();
                return EventIdIndex.hash(msb[(int) position], lsb[(int) position]);
            }
        }, new MappedIndexMemory(dir), tagBits);
        AtomicLong visible = new AtomicLong();
        UnderReaders.run("EventIdIndex", seed, READERS, 1, 8, pace -> {
            int p = 0;
            while (p < n) {
                int batch = Math.min(n - p, 1 + random.nextInt(random.nextInt(20) == 0 ? 2000 : 20));
                for (int i = 0; i < batch; i++) {
                    p++;
                    msb[p] = msbOf(p);
                    lsb[p] = lsbOf(p);
                    index.put(msb[p], lsb[p], p);
                }
                visible.set(p); // volatile: releases the ids and the table updates of the batch
                pace.step();
            }
        }, r -> {
            long v = visible.get();
            if (v > 0) {
                long p = 1 + (long) (r.nextDouble() * v);
                long found = index.find(msbOf(p), lsbOf(p), v);
                if (found != p) {
                    throw new AssertionError("id of visible position " + p + " (visible " + v + ") found at " + found);
                }
            }
            long ahead = v + 1 + r.nextInt(3000);
            long found = index.find(msbOf(ahead), lsbOf(ahead), v);
            if (found != 0) {
                throw new AssertionError("id of position " + ahead + " found at " + found + " although only " + v
                        + " is visible");
            }
        });
        assertThat(index.size()).isEqualTo(n);
        if (tagBits == EventIdIndex.TAG_BITS) {
            assertThat(hashesReadBack).as("ids read back while the table grew").hasValue(0);
        } else {
            // Each doubling to 8,192 slots and more reads back the ids present then (2,867 .. 183,500; 364,131 in all).
            assertThat(hashesReadBack.get()).as("ids read back while the table grew").isGreaterThan(300_000);
        }
    }

    /**
     * {@link EntityStream}: one stream of 60,000 entries (a page spine that doubles three times),
     * about one in ten a tombstone (the tombstone list is created on the first one and grows too);
     * readers ask for the version, the last tombstone and the live range at random visible
     * positions and compare them with the schedule.
     */
    @Test
    void entityStreamAnswersForEveryVisiblePositionWhileItGrows() throws InterruptedException {
        long seed = seed();
        Random random = new Random(seed ^ 3);
        int n = 60_000;
        boolean[] tombstone = new boolean[n + 1];
        long[] version = new long[n + 1]; // visible version with positions up to p
        long[] lastTombstone = new long[n + 1];
        long[] events = new long[n + 1]; // events (live or not) up to p
        for (int p = 1; p <= n; p++) {
            tombstone[p] = version[p - 1] > 0 && random.nextInt(10) == 0;
            version[p] = tombstone[p] ? 0 : version[p - 1] + 1;
            lastTombstone[p] = tombstone[p] ? p : lastTombstone[p - 1];
            events[p] = events[p - 1] + (tombstone[p] ? 0 : 1);
        }
        EntityStream stream = new EntityStream("e", new MappedIndexMemory(dir));
        AtomicLong visible = new AtomicLong();
        UnderReaders.run("EntityStream", seed, READERS, 1, 8, pace -> {
            for (int p = 1; p <= n; p++) {
                if (tombstone[p]) {
                    stream.addTombstone(p);
                } else {
                    long v = stream.addEvent(p);
                    if (v != version[p]) {
                        throw new AssertionError("writer version " + v + " at " + p + ", expected " + version[p]);
                    }
                }
                if (random.nextInt(8) == 0) {
                    visible.set(p);
                    pace.step();
                }
            }
            visible.set(n);
        }, r -> {
            long v = visible.get();
            int m = (int) (r.nextDouble() * (v + 1));
            long range = stream.liveRange(m);
            int from = (int) (range >>> 32);
            int to = (int) range;
            if (stream.visibleVersion(m) != version[m] || stream.lastTombstone(m) != lastTombstone[m]
                    || to != events[m] || to - from != version[m]) {
                throw new AssertionError("at visible position " + m + ": version " + stream.visibleVersion(m) + " (expected "
                        + version[m] + "), last tombstone " + stream.lastTombstone(m) + " (" + lastTombstone[m]
                        + "), live range [" + from + ", " + to + ") (to " + events[m] + ")");
            }
        });
    }
}
