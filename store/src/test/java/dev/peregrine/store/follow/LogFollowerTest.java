package dev.peregrine.store.follow;

import static dev.peregrine.store.follow.FollowerTesting.HANG;
import static dev.peregrine.store.follow.FollowerTesting.append;
import static dev.peregrine.store.follow.FollowerTesting.awaitState;
import static dev.peregrine.store.follow.FollowerTesting.options;
import static dev.peregrine.store.follow.FollowerTesting.positions;
import static dev.peregrine.store.follow.FollowerTesting.thread;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.StoreInternals;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.follow.FollowerTesting.Recorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LogFollower} on a real store: what it delivers, when it checkpoints, how it waits, fails and stops. */
class LogFollowerTest {

    @TempDir
    Path dir;

    /**
     * A consumer whose durable state is what it had applied when it last checkpointed; a "crash" loses
     * everything after that (its later checkpoints, the last one at close included, are lost). Over
     * restarts of the store and the follower, what survives must be every position once, in order.
     */
    private static final class Persisting implements LogConsumer {
        final List<String> applied;
        volatile List<String> durable;
        volatile long durablePosition;
        volatile boolean crashed;

        Persisting(List<String> durable, long durablePosition) {
            this.applied = new ArrayList<>(durable);
            this.durable = durable;
            this.durablePosition = durablePosition;
        }

        @Override
        public void accept(LogEntry e) {
            applied.add(describe(e.position(), e.eventType(), e.entityId(), e.version(), e.isTombstone()
                    ? -1 : e.payload().getLong("i")));
        }

        @Override
        public void checkpoint(long position) {
            assertThat((long) applied.size()).as("applied entries at checkpoint %d", position).isEqualTo(position);
            if (!crashed) {
                durable = List.copyOf(applied);
                durablePosition = position;
            }
        }
    }

    private static String describe(long position, String type, String entity, long version, long i) {
        return position + " " + type + " " + entity + " v" + version + " i=" + i;
    }

    @Test
    void deliversEveryCommittedEntryOnceInOrderFromItsCheckpointAcrossRestarts() throws Exception {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        List<String> durable = List.of();
        long checkpoint = 0;
        int tombstones = 0;
        for (int round = 0; round < 8; round++) {
            try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
                Persisting consumer = new Persisting(durable, checkpoint);
                LogFollower f = LogFollower.builder("restarts", StoreInternals.committedLog(store), consumer)
                        .from(checkpoint).checkpointEvery(1 + rnd.nextInt(300)).start();
                for (int b = rnd.nextInt(12); b > 0; b--) {
                    String prefix = "r" + round + "b" + b;
                    append(store, prefix, 1 + rnd.nextInt(300));
                    if (rnd.nextInt(4) == 0) {
                        store.tombstone(prefix + "-0");
                        tombstones++;
                    }
                }
                consumer.crashed = rnd.nextBoolean(); // stopped at any point, with or without its last checkpoint
                f.close();
                assertThat(consumer.applied).as("seed %d: what it applied, in order", seed).hasSize((int) f.position());
                durable = consumer.durable;
                checkpoint = consumer.durablePosition;
            }
        }
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            Persisting consumer = new Persisting(durable, checkpoint);
            LogFollower f = LogFollower.builder("restarts", StoreInternals.committedLog(store), consumer)
                    .from(checkpoint).start();
            long last = store.lastPosition();
            assertThat(f.awaitPosition(last, HANG)).isTrue();
            f.close();
            List<String> expected = new ArrayList<>();
            for (long p = 1; p <= last; p++) {
                StoredEvent e = StoreInternals.read(store, p, 1).getFirst();
                expected.add(describe(p, e.eventType(), e.entityId(), e.version(), e.isTombstone()
                        ? -1 : e.payload().getLong("i")));
            }
            assertThat(last).as("seed %d", seed).isGreaterThan(tombstones);
            assertThat(consumer.durable).as("seed %d: every entry once, in order, across 8 restarts", seed)
                    .isEqualTo(expected);
        }
    }

    @Test
    void neverDeliversPastTheVisiblePosition() throws Exception {
        try (EventStore store = EventStore.open(dir, options(Durability.fsync()))) {
            CommittedLog log = StoreInternals.committedLog(store);
            AtomicInteger beyond = new AtomicInteger();
            Recorder consumer = new Recorder() {
                @Override
                public void accept(LogEntry e) throws Exception {
                    if (e.position() > log.visiblePosition()) { // visible only grows: it was past it when read
                        beyond.incrementAndGet();
                    }
                    e.payload().getLong("i");
                    super.accept(e);
                }
            };
            LogFollower f = LogFollower.builder("visible", log, consumer).start();
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int b = 0; b < 200; b++) {
                    append(store, "w", 1 + b % 17); // under fsync, entries are written before they are visible
                }
            });
            writer.join();
            long last = store.lastPosition();
            assertThat(f.awaitPosition(last, HANG)).isTrue();
            f.close();
            assertThat(beyond.get()).isZero();
            assertThat(consumer.positions).isEqualTo(positions(1, last));
        }
    }

    @Test
    void waitsParkedUntilACommitWakesIt() throws Exception {
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            Recorder consumer = new Recorder();
            LogFollower f = LogFollower.builder("idle", StoreInternals.committedLog(store), consumer).start();
            Thread t = thread("idle");
            for (int round = 1; round <= 3; round++) {
                append(store, "idle", 10);
                assertThat(f.awaitPosition(10L * round, HANG)).isTrue();
                awaitState(t, Thread.State.WAITING);
                for (int sample = 0; sample < 50; sample++) {
                    // Parked with no timeout on itself: not spinning, not polling on a timer.
                    assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
                    assertThat(LockSupport.getBlocker(t)).isSameAs(f);
                    Thread.sleep(1);
                }
                assertThat(f.position()).isEqualTo(10L * round);
            }
            f.close();
            assertThat(consumer.positions).isEqualTo(positions(1, 30));
        }
    }

    /**
     * A gathering follower woken by a commit soon after it caught up waits out its gathering time
     * before reading, so commits in between are read in one run; a waiter cuts that wait short; and
     * after a quiet spell longer than the gathering time a commit is read at once.
     */
    @Test
    void aGatheringFollowerReadsCommitsInRunsAndAWaiterCutsTheWaitShort() throws Exception {
        Duration gather = Duration.ofSeconds(3);
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            Recorder consumer = new Recorder();
            LogFollower f = LogFollower.builder("gathering", StoreInternals.committedLog(store), consumer)
                    .gather(gather).start();
            awaitState(thread("gathering"), Thread.State.WAITING); // caught up (empty log), idle from now
            for (int i = 0; i < 5; i++) {
                append(store, "g", 1);
            }
            Thread.sleep(100); // well inside the gathering time, which began when it went idle
            assertThat(consumer.positions).as("commits soon after going idle wait for the gathering time")
                    .isEmpty();
            long asked = System.nanoTime();
            assertThat(f.awaitPosition(5, HANG)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("a waiter cut the gathering short")
                    .isLessThan(gather.dividedBy(2));
            assertThat(consumer.positions).isEqualTo(positions(1, 5));

            // Idle again first: commits that come while it still runs are read in that run, ungathered.
            awaitState(thread("gathering"), Thread.State.WAITING);
            for (int i = 0; i < 5; i++) {
                append(store, "g", 1);
            }
            awaitState(thread("gathering"), Thread.State.TIMED_WAITING); // gathering, no waiter
            assertThat(consumer.positions).as("nothing read while gathering").hasSize(5);
            long gathered = System.nanoTime();
            while (consumer.positions.size() < 10 && System.nanoTime() - gathered < HANG.toNanos()) {
                Thread.sleep(1);
            }
            assertThat(consumer.positions).as("read once the gathering time is out").isEqualTo(positions(1, 10));

            awaitState(thread("gathering"), Thread.State.WAITING);
            Thread.sleep(gather.toMillis() + 100); // a quiet spell longer than the gathering time
            long quiet = System.nanoTime();
            append(store, "g", 1);
            while (consumer.positions.size() < 11 && System.nanoTime() - quiet < HANG.toNanos()) {
                Thread.sleep(1);
            }
            assertThat(consumer.positions).isEqualTo(positions(1, 11));
            assertThat(Duration.ofNanos(System.nanoTime() - quiet)).as("read at once after a quiet spell")
                    .isLessThan(gather.dividedBy(2));
            f.close();
        }
    }

    @Test
    void checkpointsEveryNEntriesAndAtClose() throws Exception {
        Random rnd = new Random(7);
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            CommittedLog log = StoreInternals.committedLog(store);
            Recorder first = new Recorder();
            LogFollower f = LogFollower.builder("policy", log, first).checkpointEvery(100).start();
            while (store.lastPosition() < 1_050) {
                append(store, "p", (int) Math.min(1 + rnd.nextInt(73), 1_050 - store.lastPosition()));
            }
            assertThat(f.awaitPosition(1_050, HANG)).isTrue();
            f.close();
            assertThat(first.checkpoints).containsExactly(100L, 200L, 300L, 400L, 500L, 600L, 700L, 800L, 900L,
                    1_000L, 1_050L);

            Recorder second = new Recorder();
            f = LogFollower.builder("policy", log, second).from(1_050).checkpointEvery(100).start();
            append(store, "p", 230);
            assertThat(f.awaitPosition(1_280, HANG)).isTrue();
            f.close();
            assertThat(second.positions).isEqualTo(positions(1_051, 1_280));
            assertThat(second.checkpoints).containsExactly(1_150L, 1_250L, 1_280L);
        }
    }

    @Test
    void reportsItsLag() throws Exception {
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            CountDownLatch release = new CountDownLatch(1);
            Recorder consumer = new Recorder() {
                @Override
                public void accept(LogEntry e) throws Exception {
                    release.await(); // a consumer stuck on its first entry
                    super.accept(e);
                }
            };
            LogFollower f = LogFollower.builder("lag", StoreInternals.committedLog(store), consumer).start();
            assertThat(f.lag()).isZero();
            append(store, "lag", 500);
            assertThat(f.position()).isZero();
            assertThat(f.lag()).isEqualTo(500);
            append(store, "lag", 20);
            assertThat(f.lag()).isEqualTo(520);
            release.countDown();
            assertThat(f.awaitPosition(520, HANG)).isTrue();
            assertThat(f.lag()).isZero();
            f.close();
        }
    }

    @Test
    void closeLetsASlowConsumerFinishItsEntryThenStops() throws Exception {
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Recorder consumer = new Recorder() {
                @Override
                public void accept(LogEntry e) throws Exception {
                    super.accept(e);
                    if (e.position() == 5) {
                        inside.countDown();
                        release.await();
                    }
                }
            };
            append(store, "slow", 1_000);
            LogFollower f = LogFollower.builder("slow", StoreInternals.committedLog(store), consumer)
                    .checkpointEvery(1_000).start();
            assertThat(inside.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Thread t = thread("slow");
            Thread closer = Thread.ofPlatform().start(f::close);
            awaitState(closer, Thread.State.WAITING); // joining the follower, which is inside entry 5
            assertThat(t.isAlive()).isTrue();
            release.countDown();
            closer.join(HANG);
            assertThat(closer.isAlive()).isFalse();
            assertThat(t.isAlive()).isFalse();
            assertThat(consumer.positions).isEqualTo(positions(1, 5));
            assertThat(consumer.checkpoints).containsExactly(5L);
            assertThat(f.position()).isEqualTo(5);
            f.close(); // idempotent
            assertThat(f.awaitPosition(6, HANG)).isFalse(); // closed: no waiting for what will not come
        }
    }

    @Test
    void aFailedEntryIsRetriedUntilItSucceeds() throws Exception {
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            Set<Long> failOnce = ConcurrentHashMap.newKeySet();
            failOnce.addAll(List.of(7L, 300L, 301L));
            Map<Long, Integer> attempts = new ConcurrentHashMap<>();
            Recorder consumer = new Recorder() {
                @Override
                public void accept(LogEntry e) throws Exception {
                    attempts.merge(e.position(), 1, Integer::sum);
                    if (failOnce.remove(e.position())) {
                        throw new IllegalStateException("injected failure at " + e.position());
                    }
                    super.accept(e);
                }
            };
            LogFollower f = LogFollower.builder("retry", StoreInternals.committedLog(store), consumer)
                    .retryDelay(Duration.ofMillis(5)).start();
            append(store, "retry", 500);
            assertThat(f.awaitPosition(500, HANG)).isTrue();
            f.close();
            assertThat(consumer.positions).isEqualTo(positions(1, 500));
            Map<Long, Integer> retried = new HashMap<>(attempts);
            retried.values().removeIf(n -> n == 1);
            assertThat(retried).isEqualTo(Map.of(7L, 2, 300L, 2, 301L, 2));
            assertThat(f.halted()).isFalse();
        }
    }

    @Test
    void aHaltingConsumerStopsAtTheFailedEntryUntilRewound() throws Exception {
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            AtomicLong failAt = new AtomicLong(50);
            Recorder consumer = new Recorder() {
                @Override
                public void accept(LogEntry e) throws Exception {
                    if (e.position() == failAt.get()) {
                        throw new IllegalStateException("injected failure at " + e.position());
                    }
                    super.accept(e);
                }

                @Override
                public Failure onFailure(long position, Exception failure) {
                    return Failure.HALT;
                }
            };
            LogFollower f = LogFollower.builder("halt", StoreInternals.committedLog(store), consumer)
                    .checkpointEvery(10).start();
            append(store, "halt", 100);
            assertThat(f.awaitPosition(100, HANG)).as("a halted follower does not keep the waiter").isFalse();
            assertThat(f.halted()).isTrue();
            assertThat(f.position()).isEqualTo(49);
            assertThat(f.lag()).isEqualTo(51);
            append(store, "halt", 10); // commits do not restart it
            assertThat(f.position()).isEqualTo(49);

            failAt.set(-1);
            f.rewind(0);
            assertThat(f.awaitPosition(110, HANG)).isTrue();
            assertThat(f.halted()).isFalse();
            assertThat(consumer.rewinds).containsExactly(0L);
            assertThat(consumer.positions).isEqualTo(positions(1, 110));
            f.close();
            assertThat(consumer.checkpoints).as("before the halt, none while halted, from the rewind on, at close")
                    .containsExactly(10L, 20L, 30L, 40L, 10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L, 110L,
                            110L);
        }
    }

    @Test
    void aCheckpointThatCannotBeWrittenDoesNotStopIt() throws Exception {
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            List<Long> attempted = new ArrayList<>();
            Recorder consumer = new Recorder() {
                @Override
                public void checkpoint(long position) throws Exception {
                    attempted.add(position);
                    if (attempted.size() <= 2) {
                        throw new StorageFailureException("No space left on device", dir.resolve("x.ckpt"), null,
                                StorageFailureException.Outcome.NOT_WRITTEN);
                    }
                    super.checkpoint(position);
                }
            };
            LogFollower f = LogFollower.builder("full", StoreInternals.committedLog(store), consumer)
                    .checkpointEvery(50).start();
            append(store, "full", 300);
            assertThat(f.awaitPosition(300, HANG)).isTrue();
            assertThat(f.halted()).isFalse();
            append(store, "full", 20);
            assertThat(f.awaitPosition(320, HANG)).isTrue();
            f.close();
            assertThat(consumer.positions).isEqualTo(positions(1, 320));
            assertThat(attempted).containsExactly(50L, 100L, 150L, 200L, 250L, 300L, 320L);
            assertThat(consumer.checkpoints).containsExactly(150L, 200L, 250L, 300L, 320L);
        }
    }

    @Test
    void aConsumerMaySkipWhatItHasNoUseFor() throws Exception {
        try (EventStore store = EventStore.open(dir, options(Durability.none()))) {
            java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();
            Recorder consumer = new Recorder() {
                @Override
                public boolean skip(long through) {
                    return !reading.get();
                }
            };
            LogFollower f = LogFollower.builder("skip", StoreInternals.committedLog(store), consumer)
                    .checkpointEvery(100).start();
            append(store, "skip", 250);
            assertThat(f.awaitPosition(250, HANG)).isTrue();
            reading.set(true);
            append(store, "skip", 30);
            assertThat(f.awaitPosition(280, HANG)).isTrue();
            f.close();
            assertThat(consumer.positions).isEqualTo(positions(251, 280));
            assertThat(consumer.checkpoints.getLast()).isEqualTo(280);
        }
    }
}
