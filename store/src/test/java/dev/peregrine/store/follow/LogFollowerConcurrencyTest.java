package dev.peregrine.store.follow;

import static dev.peregrine.store.follow.FollowerTesting.HANG;
import static dev.peregrine.store.follow.FollowerTesting.append;
import static dev.peregrine.store.follow.FollowerTesting.options;
import static dev.peregrine.store.follow.FollowerTesting.positions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.store.AppendResult;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoreInternals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real writer threads append (group commit, fsync) while four followers consume the same log: one
 * plain, one slow, one closed and restarted from its checkpoint again and again (sometimes losing
 * its last checkpoint, as in a crash), one rewound to the start halfway. Each must end with every
 * position exactly once and in order, never having seen an entry past the visible position, and the
 * plain one must have seen each position's own event.
 */
class LogFollowerConcurrencyTest {

    private static final int WRITERS = 4;
    private static final int BATCHES = 120;

    @TempDir
    Path dir;

    /** Checks order and visibility as it goes; keeps what it consumed in position order. */
    private static class Checked implements LogConsumer {
        final CommittedLog log;
        final List<Long> consumed = new CopyOnWriteArrayList<>();
        final AtomicInteger violations = new AtomicInteger();
        final Map<Long, UUID> ids;

        Checked(CommittedLog log, List<Long> start, Map<Long, UUID> ids) {
            this.log = log;
            this.consumed.addAll(start);
            this.ids = ids;
        }

        @Override
        public void accept(LogEntry e) throws Exception {
            long expected = consumed.isEmpty() ? 1 : consumed.getLast() + 1;
            if (e.position() != expected || e.position() > log.visiblePosition()) {
                violations.incrementAndGet();
            }
            if (ids != null) {
                ids.put(e.position(), e.toStoredEvent().id());
            }
            consumed.add(e.position());
        }

        @Override
        public void rewound(long position) {
            consumed.removeIf(p -> p > position);
        }
    }

    /** A {@link Checked} whose durable state is what it held at its last checkpoint. */
    private static final class Restartable extends Checked {
        volatile List<Long> durable;
        volatile boolean crashed;

        Restartable(CommittedLog log, List<Long> durable) {
            super(log, durable, null);
            this.durable = durable;
        }

        @Override
        public void checkpoint(long position) {
            if (!crashed) {
                durable = List.copyOf(consumed);
            }
        }
    }

    @Test
    void followersUnderConcurrentAppendsSeeEveryPositionOnceInOrder() throws Exception {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        try (EventStore store = EventStore.open(dir, options(Durability.fsync()))) {
            CommittedLog log = StoreInternals.committedLog(store);
            Map<Long, UUID> seen = new ConcurrentHashMap<>();
            Checked plain = new Checked(log, List.of(), seen);
            Checked slow = new Checked(log, List.of(), null) {
                @Override
                public void accept(LogEntry e) throws Exception {
                    super.accept(e);
                    if (e.position() % 64 == 0) {
                        LockSupport.parkNanos(200_000);
                    }
                }
            };
            Checked rewound = new Checked(log, List.of(), null);
            Checked gathering = new Checked(log, List.of(), null);
            List<LogFollower> followers = new ArrayList<>(List.of(
                    LogFollower.builder("c-plain", log, plain).start(),
                    LogFollower.builder("c-gathering", log, gathering).gather(Duration.ofMillis(1)).start(),
                    LogFollower.builder("c-slow", log, slow).checkpointEvery(200).start(),
                    LogFollower.builder("c-rewound", log, rewound).start()));

            Map<Long, UUID> appended = new ConcurrentHashMap<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                long writerSeed = rnd.nextLong();
                String prefix = "w" + w;
                writers.add(Thread.ofPlatform().start(() -> {
                    Random r = new Random(writerSeed);
                    for (int b = 0; b < BATCHES; b++) {
                        for (AppendResult result : append(store, prefix, 1 + r.nextInt(40))) {
                            appended.put(result.position(), result.eventId());
                        }
                    }
                }));
            }

            Restartable restarting = new Restartable(log, List.of());
            for (int restart = 0; restart < 12; restart++) {
                LogFollower f = LogFollower.builder("c-restarting", log, restarting)
                        .from(restarting.durable.size()).checkpointEvery(1 + rnd.nextInt(150)).start();
                Thread.sleep(rnd.nextInt(40));
                if (restart == 6) {
                    followers.get(3).rewind(0);
                }
                restarting.crashed = rnd.nextBoolean();
                f.close();
                assertThat(restarting.violations.get()).as("seed %d", seed).isZero();
                restarting = new Restartable(log, restarting.durable);
            }
            followers.add(LogFollower.builder("c-restarting", log, restarting).from(restarting.durable.size()).start());

            for (Thread w : writers) {
                w.join();
            }
            long last = store.lastPosition();
            assertThat(last).isEqualTo((long) appended.size());
            // Polled, not awaited: a waiter wakes a follower itself, which would hide a lost commit wake-up.
            long deadline = System.nanoTime() + HANG.toNanos();
            for (LogFollower f : followers) {
                while (f.position() < last && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(f.position()).as("seed %d: %s reached the end woken by commits alone", seed, f)
                        .isEqualTo(last);
            }
            for (LogFollower f : followers) {
                assertThat(f.awaitPosition(last, HANG)).as("seed %d: %s", seed, f).isTrue();
                assertThat(f.lag()).isZero();
                f.close();
            }
            for (Checked c : List.of(plain, gathering, slow, rewound, restarting)) {
                assertThat(c.violations.get()).as("seed %d: out of order or past the visible position", seed)
                        .isZero();
                assertThat(c.consumed).as("seed %d: no gap, no duplicate", seed).isEqualTo(positions(1, last));
            }
            assertThat(seen).as("seed %d: each position's own event", seed).isEqualTo(appended);
        }
    }
}
