package dev.peregrine.store.subscription.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoreInternals;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.DurableSubscription;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.subscription.SubscriptionListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subscriptions on a real store with real threads. Latch timeouts only guard against hangs. */
class SubscriptionTest {

    private static final long HANG_GUARD_SECONDS = 60;

    @TempDir
    Path dir;

    static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).build();
    }

    static void appendBatch(EventStore store, int n, int seq) {
        List<NewEvent> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(NewEvent.builder().eventType(i % 3 == 0 ? "b" : "a").entityId("e" + ((seq + i) % 7))
                    .tenantId(i % 2 == 0 ? "t1" : "t2")
                    .payload(RecordBuilder.create(store.dictionary()).put("i", (long) seq + i).build()).build());
        }
        store.append(batch);
    }

    /** Collects positions until it has seen {@code last}. */
    static class Collector implements SubscriptionListener {
        final List<Long> positions = new CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> closedWith = new AtomicReference<>();
        volatile long until = Long.MAX_VALUE;

        @Override
        public void onEvent(StoredEvent event) {
            positions.add(event.position());
            if (event.position() >= until) {
                done.countDown();
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            closedWith.set(cause);
        }

        void await(long last) throws InterruptedException {
            until = last;
            if (!positions.isEmpty() && positions.getLast() >= last) {
                done.countDown();
            }
            assertThat(done.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).as("received up to %d", last).isTrue();
        }
    }

    @Test
    void aSubscriberFromPositionOneReceivesEveryPositionOnceInOrderWhileAWriterAppends() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 500, 0); // history to catch up from
            Collector c = new Collector();
            Subscription s = store.subscriptions().subscribe(StartPosition.at(1), SubscriptionFilter.ALL, c);
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 300; i++) {
                    appendBatch(store, 1 + i % 40, i * 100);
                }
            });
            writer.join();
            long last = store.lastPosition();
            c.await(last);
            List<Long> expected = new ArrayList<>();
            for (long p = 1; p <= last; p++) {
                expected.add(p);
            }
            assertThat(c.positions).isEqualTo(expected);
            // The last event is delivered from the log before the subscription attaches to the
            // dispatcher, so it turns live a moment after the listener has seen everything.
            awaitLive(s);
            s.close();
        }
    }

    @Test
    void aBlockedSubscriberNeverBlocksTheWriterAndCatchesUpFromTheLog() throws Exception {
        try (EventStore store = EventStore.open(dir, options());
             SubscriptionManager subs = new SubscriptionManager(StoreInternals.committedLog(store), store.directory(),
                     16)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch firstSeen = new CountDownLatch(1);
            Collector c = new Collector() {
                @Override
                public void onEvent(StoredEvent event) {
                    firstSeen.countDown();
                    try {
                        release.await(); // a subscriber stuck in its handler
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    super.onEvent(event);
                }
            };
            Subscription s = subs.subscribe(StartPosition.now(), SubscriptionFilter.ALL, c);
            awaitLive(s);
            appendBatch(store, 1, 0);
            assertThat(firstSeen.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
            // The writer appends far more than the 16-event live buffer while the subscriber is stuck:
            // every append completes, so the writer never waited for the subscriber.
            for (int i = 0; i < 100; i++) {
                appendBatch(store, 50, i * 50);
            }
            long last = store.lastPosition();
            assertThat(c.positions).isEmpty();
            release.countDown();
            c.await(last);
            assertThat(c.positions).hasSize((int) last).doesNotHaveDuplicates().isSorted();
            assertThat(s.fallbacks()).isGreaterThanOrEqualTo(1);
            s.close();
        }
    }

    private static void awaitLive(Subscription s) throws InterruptedException {
        for (int i = 0; i < HANG_GUARD_SECONDS * 100 && !s.isLive(); i++) {
            Thread.sleep(10);
        }
        assertThat(s.isLive()).isTrue();
    }

    @Test
    void filtersByTypeEntityAndTenant() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 200, 0);
            long last = store.lastPosition();
            List<StoredEvent> all = new ArrayList<>();
            for (long p = 1; p <= last; p += 100) {
                all.addAll(StoreInternals.read(store, p, 100));
            }
            SubscriptionFilter f = SubscriptionFilter.builder().eventTypes("a").entityId("e3").tenantId("t2").build();
            Collector c = new Collector();
            Subscription s = store.subscriptions().subscribe(StartPosition.at(1), f, c);
            appendBatch(store, 100, 1000);
            store.tombstone("e3");
            List<Long> expected = new ArrayList<>();
            for (long p = last + 1; p <= store.lastPosition(); p += 100) {
                all.addAll(StoreInternals.read(store, p, 100));
            }
            for (StoredEvent e : all) {
                if (f.test(e)) {
                    expected.add(e.position());
                }
            }
            c.await(expected.getLast());
            assertThat(c.positions).isEqualTo(expected);
            s.close();
        }
    }

    @Test
    void aDurableSubscriptionResumesAfterItsAcknowledgedPositionAcrossARestart() throws Exception {
        long acked;
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 100, 0);
            Collector c = new Collector();
            DurableSubscription d = store.subscriptions().durable("billing", SubscriptionFilter.ALL, c);
            c.await(100);
            d.ack(60);
            d.ack(40); // lower: ignored
            assertThat(d.acknowledgedPosition()).isEqualTo(60);
            assertThatThrownBy(() -> d.ack(1_000)).isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("the log ends at 100");
            assertThatThrownBy(() -> store.subscriptions().durable("billing", SubscriptionFilter.ALL, new Collector()))
                    .isInstanceOf(StateConflictException.class).hasMessageContaining("open already");
            acked = d.acknowledgedPosition();
        }
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 10, 100);
            Collector c = new Collector();
            DurableSubscription d = store.subscriptions().durable("billing", SubscriptionFilter.ALL, c);
            assertThat(d.acknowledgedPosition()).isEqualTo(acked);
            c.await(110);
            assertThat(c.positions.getFirst()).isEqualTo(acked + 1);
            assertThat(c.positions).hasSize((int) (110 - acked)).isSorted();
            assertThat(store.subscriptions().durableNames()).containsExactly("billing");
            assertThatThrownBy(() -> store.subscriptions().durable("../x", SubscriptionFilter.ALL, c))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("subscription name");
        }
    }

    @Test
    void aCheckpointPastTheRecoveredLogResumesAtItsEndInsteadOfSkippingNewEvents() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 10, 0);
            // As if the store lost positions 11..1000 in an OS crash under durability "none".
            store.subscriptions(); // creates the directory
            SubscriptionStateFile.write(dir.resolve("subscriptions").resolve("late.sub"),
                    SubscriptionStateLayout.KIND_DURABLE, 1_000, List.of(), null);
            Collector c = new Collector();
            DurableSubscription d = store.subscriptions().durable("late", SubscriptionFilter.ALL, c);
            assertThat(d.acknowledgedPosition()).isEqualTo(10);
            appendBatch(store, 5, 10);
            c.await(15);
            assertThat(c.positions).containsExactly(11L, 12L, 13L, 14L, 15L);
        }
    }

    @Test
    void closingTheStoreEndsItsSubscriptionsCleanly() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<Throwable> cause = new AtomicReference<>(new AssertionError("onClosed not called"));
        Subscription s;
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 10, 0);
            s = store.subscriptions().subscribe(StartPosition.at(1), SubscriptionFilter.ALL, new SubscriptionListener() {
                @Override
                public void onEvent(StoredEvent event) {
                }

                @Override
                public void onClosed(Throwable c) {
                    cause.set(c);
                    closed.countDown();
                }
            });
        }
        assertThat(closed.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(cause.get()).isNull();
        assertThat(s.isLive()).isFalse();
    }

    @Test
    void aListenerExceptionEndsTheSubscriptionWithThatCause() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 5, 0);
            CountDownLatch closed = new CountDownLatch(1);
            AtomicReference<Throwable> cause = new AtomicReference<>();
            store.subscriptions().subscribe(StartPosition.at(1), SubscriptionFilter.ALL, new SubscriptionListener() {
                @Override
                public void onEvent(StoredEvent event) throws Exception {
                    if (event.position() == 3) {
                        throw new java.io.IOException("downstream is down");
                    }
                }

                @Override
                public void onClosed(Throwable c) {
                    cause.set(c);
                    closed.countDown();
                }
            });
            assertThat(closed.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(cause.get()).isInstanceOf(java.io.IOException.class).hasMessage("downstream is down");
        }
    }
}
