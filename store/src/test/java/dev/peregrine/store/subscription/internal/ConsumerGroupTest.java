package dev.peregrine.store.subscription.internal;

import static dev.peregrine.store.subscription.internal.SubscriptionTest.appendBatch;
import static dev.peregrine.store.subscription.internal.SubscriptionTest.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.NackAction;
import dev.peregrine.store.subscription.ParkedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Competing consumers on real threads: sharing, per-entity order, nack/retry, parking, replay, restart. */
class ConsumerGroupTest {

    private static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    Path dir;

    @Test
    void membersShareEventsKeepPerEntityOrderAndParkWhatKeepsFailing() throws Exception {
        long total;
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 350, 0); // entities e0..e6, 50 events each
            total = store.lastPosition();
            ConsumerGroup group = store.subscriptions().group("workers", GroupOptions.DEFAULTS.withMaxAttempts(3));
            Map<String, List<Long>> acked = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> perMember = new ConcurrentHashMap<>();
            AtomicInteger settled = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int m = 0; m < 3; m++) {
                GroupMember member = group.join("m" + m);
                perMember.put(member.id(), new AtomicInteger());
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (settled.get() < 350) {
                            Optional<Delivery> d = member.poll(POLL);
                            if (d.isEmpty()) {
                                continue;
                            }
                            Delivery x = d.get();
                            String entity = x.event().entityId();
                            // e6's event at version 3 always fails: it is retried, then parked.
                            if (entity.equals("e6") && x.event().version() == 3) {
                                x.nack(NackAction.RETRY, "poison v3");
                                if (x.attempt() == 3) {
                                    settled.incrementAndGet();
                                }
                                continue;
                            }
                            acked.computeIfAbsent(entity, k -> new ArrayList<>()).add(x.event().version());
                            perMember.get(member.id()).incrementAndGet();
                            x.ack();
                            settled.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        member.close();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(60_000);
                assertThat(t.isAlive()).as("consumer finished").isFalse();
            }
            for (Map.Entry<String, List<Long>> e : acked.entrySet()) {
                List<Long> versions = e.getValue();
                assertThat(versions).as("entity %s in order", e.getKey()).isSorted().doesNotHaveDuplicates();
                assertThat(versions).hasSize(e.getKey().equals("e6") ? 49 : 50);
            }
            assertThat(perMember.values()).allSatisfy(n -> assertThat(n.get()).isPositive());
            List<ParkedEvent> parked = group.parked();
            assertThat(parked).hasSize(1);
            assertThat(parked.getFirst().entityId()).isEqualTo("e6");
            assertThat(parked.getFirst().attempts()).isEqualTo(3);
            assertThat(parked.getFirst().reason()).isEqualTo("poison v3");
            assertThat(group.acknowledgedPosition()).isEqualTo(total);
        }
        try (EventStore store = EventStore.open(dir, options())) {
            ConsumerGroup group = store.subscriptions().group("workers", GroupOptions.DEFAULTS.withMaxAttempts(3));
            assertThat(group.acknowledgedPosition()).isEqualTo(total);
            assertThat(group.parked()).hasSize(1);
            long poison = group.parked().getFirst().position();
            try (GroupMember m = group.join("fixer")) {
                assertThat(m.poll(POLL)).as("nothing is redelivered after a restart").isEmpty();
                assertThat(group.replayParked(poison)).isTrue();
                assertThat(group.replayParked(poison)).as("already replaying").isFalse();
                Delivery d = m.poll(Duration.ofSeconds(30)).orElseThrow();
                assertThat(d.event().position()).isEqualTo(poison);
                assertThat(d.attempt()).isEqualTo(1);
                d.ack();
                assertThatThrownBy(d::ack).isInstanceOf(StateConflictException.class)
                        .hasMessageContaining("settled already");
            }
            assertThat(group.parked()).isEmpty();
        }
        try (EventStore store = EventStore.open(dir, options())) {
            assertThat(store.subscriptions().group("workers", GroupOptions.DEFAULTS).parked()).isEmpty();
        }
    }

    @Test
    void anUnacknowledgedDeliveryIsHandedOutAgainAfterTheTimeoutAndALeavingMemberGivesItsWorkBack()
            throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 2, 0); // e0 then e1
            ConsumerGroup group = store.subscriptions().group("g",
                    GroupOptions.DEFAULTS.withAckTimeout(Duration.ofMillis(200)));
            GroupMember a = group.join("a");
            GroupMember b = group.join("b");
            assertThatThrownBy(() -> group.join("a")).isInstanceOf(StateConflictException.class);
            Delivery first = a.poll(Duration.ofSeconds(30)).orElseThrow();
            Delivery second = a.poll(Duration.ofSeconds(30)).orElseThrow();
            assertThat(List.of(first.event().position(), second.event().position())).containsExactly(1L, 2L);
            // a never settles `first`: after the timeout b gets it, as attempt 2.
            Delivery again = b.poll(Duration.ofSeconds(30)).orElseThrow();
            assertThat(again.event().position()).isIn(1L, 2L);
            assertThat(again.attempt()).isEqualTo(2);
            again.ack();
            a.close();
            Map<Long, Integer> attempts = new HashMap<>();
            for (Optional<Delivery> d = b.poll(Duration.ofSeconds(1)); d.isPresent(); d = b.poll(Duration.ofSeconds(1))) {
                attempts.put(d.get().event().position(), d.get().attempt());
                d.get().ack();
            }
            assertThat(attempts).hasSize(1);
            assertThat(group.acknowledgedPosition()).isEqualTo(2);
            assertThatThrownBy(() -> a.poll(POLL)).isInstanceOf(StateConflictException.class);
        }
    }
}
