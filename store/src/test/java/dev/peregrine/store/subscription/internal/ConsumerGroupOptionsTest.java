package dev.peregrine.store.subscription.internal;

import static dev.peregrine.store.subscription.internal.SubscriptionTest.appendBatch;
import static dev.peregrine.store.subscription.internal.SubscriptionTest.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.ConsumerStrategy;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupInfo;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.NackAction;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.SubscriptionFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What KurrentDB's persistent subscriptions need of a group beyond sharing work: start positions,
 * strategies, per-member limits, the nack actions, update, delete, member limits, entity-filtered
 * groups and their lag; each persisted across a restart where it is state.
 */
class ConsumerGroupOptionsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration BRIEF = Duration.ofMillis(150);

    @TempDir
    Path dir;

    @Test
    void aGroupStartsAtTheStartAtAPositionOrAtTheEndAndKeepsThatAcrossARestart() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 20, 0);
            ConsumerGroup whole = store.subscriptions().createGroup("whole", GroupOptions.DEFAULTS);
            ConsumerGroup middle = store.subscriptions().createGroup("middle",
                    GroupOptions.DEFAULTS.withStart(StartPosition.at(15)));
            ConsumerGroup end = store.subscriptions().createGroup("end",
                    GroupOptions.DEFAULTS.withStart(StartPosition.now()));
            assertThat(whole.info().lag()).isEqualTo(20);
            assertThat(middle.acknowledgedPosition()).isEqualTo(14);
            assertThat(end.acknowledgedPosition()).isEqualTo(20);
            assertThat(end.info().lag()).isZero();
            assertThatThrownBy(() -> store.subscriptions().createGroup("end", GroupOptions.DEFAULTS))
                    .isInstanceOf(StateConflictException.class).hasMessageContaining("exists already");
            assertThatThrownBy(() -> store.subscriptions().createGroup("late",
                    GroupOptions.DEFAULTS.withStart(StartPosition.at(22))))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("start"));
            assertThat(store.subscriptions().groupNames()).containsExactly("end", "middle", "whole");
            try (GroupMember m = middle.join("m")) {
                Delivery d = m.poll(WAIT).orElseThrow();
                assertThat(d.event().position()).isEqualTo(15);
            }
        }
        try (EventStore store = EventStore.open(dir, options())) {
            // Nothing was acknowledged in "end": it resumes after position 20 all the same.
            appendBatch(store, 3, 20);
            ConsumerGroup end = store.subscriptions().findGroup("end").orElseThrow();
            assertThat(end.options().start()).isEqualTo(StartPosition.now());
            try (GroupMember m = end.join("m")) {
                List<Long> got = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Delivery d = m.poll(WAIT).orElseThrow();
                    got.add(d.event().position());
                    d.ack();
                }
                assertThat(got).containsExactly(21L, 22L, 23L);
            }
            assertThat(store.subscriptions().findGroup("missing")).isEmpty();
            assertThat(store.subscriptions().findGroup("../x")).isEmpty();
        }
    }

    @Test
    void dispatchToSingleFillsTheFirstMemberBeforeTheNext() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 14, 0); // seven entities, two events each: seven ready at once
            ConsumerGroup g = store.subscriptions().createGroup("single",
                    GroupOptions.DEFAULTS.withStrategy(ConsumerStrategy.DISPATCH_TO_SINGLE));
            GroupMember first = g.join("first", 3);
            GroupMember second = g.join("second", 10);
            assertThat(second.poll(BRIEF)).as("the first member has room: the work is its own").isEmpty();
            List<Delivery> firsts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                firsts.add(first.poll(WAIT).orElseThrow());
            }
            assertThat(g.info().members().getFirst().inFlight()).isEqualTo(3);
            Delivery overflow = second.poll(WAIT).orElseThrow();
            assertThat(first.poll(BRIEF)).as("at its limit").isEmpty();
            firsts.getFirst().ack();
            assertThat(second.poll(BRIEF)).as("the first member has room again").isEmpty();
            first.close(); // its two unsettled deliveries go back; the second member takes over
            overflow.ack();
            Set<Long> rest = new HashSet<>();
            for (Optional<Delivery> d = second.poll(BRIEF); d.isPresent(); d = second.poll(BRIEF)) {
                rest.add(d.get().event().position());
                d.get().ack();
            }
            assertThat(rest).hasSize(12).contains(firsts.get(1).event().position(), firsts.get(2).event().position());
            assertThat(g.acknowledgedPosition()).isEqualTo(14);
        }
    }

    @Test
    void pinnedSendsEachEntityToOneMember() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            for (int round = 0; round < 60; round++) {
                appendBatch(store, 7, 0);
            }
            ConsumerGroup g = store.subscriptions().createGroup("pinned",
                    GroupOptions.DEFAULTS.withStrategy(ConsumerStrategy.PINNED));
            List<GroupMember> members = List.of(g.join("a", 4), g.join("b", 4), g.join("c", 4));
            Map<String, Set<String>> owners = new ConcurrentHashMap<>();
            AtomicInteger settled = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (GroupMember m : members) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (settled.get() < 420) {
                            Optional<Delivery> d = m.poll(Duration.ofMillis(50));
                            if (d.isPresent()) {
                                owners.computeIfAbsent(d.get().event().entityId(), k -> ConcurrentHashMap.newKeySet())
                                        .add(m.id());
                                d.get().ack();
                                settled.incrementAndGet();
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(60_000);
                assertThat(t.isAlive()).isFalse();
            }
            assertThat(owners).hasSize(7);
            assertThat(owners.values()).allSatisfy(set -> assertThat(set).hasSize(1));
            assertThat(owners.values().stream().flatMap(Set::stream).distinct().count()).as("shared out")
                    .isGreaterThan(1);
        }
    }

    @Test
    void nackActionsParkSkipAndStop() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 3, 0); // e0, e1, e2: three entities, all ready
            ConsumerGroup g = store.subscriptions().createGroup("acts", GroupOptions.DEFAULTS);
            GroupMember a = g.join("a");
            GroupMember b = g.join("b");
            Delivery one = a.poll(WAIT).orElseThrow();
            Delivery two = a.poll(WAIT).orElseThrow();
            Delivery three = a.poll(WAIT).orElseThrow();
            one.nack(NackAction.PARK, "bad data");
            assertThat(g.parked()).singleElement().satisfies(p -> {
                assertThat(p.position()).isEqualTo(1);
                assertThat(p.attempts()).isEqualTo(1);
                assertThat(p.reason()).isEqualTo("bad data");
            });
            two.nack(NackAction.SKIP, null);
            assertThat(g.parked()).hasSize(1);
            assertThat(g.acknowledgedPosition()).isEqualTo(2);
            three.nack(NackAction.STOP, "shutting down");
            assertThatThrownBy(() -> a.poll(BRIEF)).isInstanceOf(StateConflictException.class);
            Delivery again = b.poll(WAIT).orElseThrow();
            assertThat(again.event().position()).isEqualTo(3);
            assertThat(again.attempt()).as("a stop is no failed attempt").isEqualTo(1);
            again.ack();
            GroupInfo info = g.info();
            assertThat(info.members()).extracting(GroupInfo.MemberInfo::id).containsExactly("b");
            assertThat(info.nacked()).isEqualTo(3);
            assertThat(info.acked()).isEqualTo(1);
            assertThat(info.delivered()).isEqualTo(4);
            assertThat(info.checkpoint()).isEqualTo(3);
            assertThatThrownBy(() -> again.nack(NackAction.RETRY, "x")).isInstanceOf(StateConflictException.class);
        }
    }

    @Test
    void updateIsPersistedButCannotChangeTheFilter() throws Exception {
        GroupOptions updated;
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 4, 0);
            ConsumerGroup g = store.subscriptions().createGroup("upd", GroupOptions.DEFAULTS.withMaxMembers(1));
            GroupMember only = g.join("only");
            assertThatThrownBy(() -> g.join("another")).isInstanceOf(StateConflictException.class)
                    .hasMessageContaining("maximum of 1 members");
            updated = g.options().withMaxMembers(2).withMaxAttempts(2).withStrategy(ConsumerStrategy.PINNED)
                    .withAckTimeout(Duration.ofSeconds(5));
            g.update(updated);
            g.join("another").close();
            assertThatThrownBy(() -> g.update(updated.withFilter(SubscriptionFilter.builder().entityId("e1").build())))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("filter"));
            Delivery d = only.poll(WAIT).orElseThrow();
            d.nack(NackAction.RETRY, "1");
            d = only.poll(WAIT).orElseThrow();
            d.nack(NackAction.RETRY, "2");
            assertThat(g.parked()).as("parked after the updated max attempts").hasSize(1);
            only.close();
        }
        try (EventStore store = EventStore.open(dir, options())) {
            ConsumerGroup g = store.subscriptions().group("upd", GroupOptions.DEFAULTS);
            assertThat(g.options()).as("an existing group keeps its persisted options").isEqualTo(updated);
        }
    }

    @Test
    void aDeletedGroupIsGoneWithItsStateAndComesBackAfresh() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 6, 0);
            ConsumerGroup g = store.subscriptions().createGroup("gone", GroupOptions.DEFAULTS);
            GroupMember m = g.join("m");
            Delivery d = m.poll(WAIT).orElseThrow();
            m.poll(WAIT).orElseThrow().nack(NackAction.PARK, "p");
            Path file = dir.resolve("subscriptions").resolve("gone.group");
            assertThat(file).exists();
            assertThat(store.subscriptions().deleteGroup("gone")).isTrue();
            assertThat(file).doesNotExist();
            d.ack(); // settling after the delete does nothing, and writes nothing
            assertThat(file).doesNotExist();
            assertThatThrownBy(() -> m.poll(BRIEF)).isInstanceOf(StateConflictException.class);
            assertThatThrownBy(() -> g.join("late")).isInstanceOf(StateConflictException.class);
            assertThat(store.subscriptions().deleteGroup("gone")).isFalse();
            assertThat(store.subscriptions().findGroup("gone")).isEmpty();
            ConsumerGroup again = store.subscriptions().createGroup("gone", GroupOptions.DEFAULTS);
            assertThat(again.parked()).isEmpty();
            assertThat(again.info().lag()).isEqualTo(6);
            store.subscriptions().createGroup("unopened", GroupOptions.DEFAULTS);
        }
        try (EventStore store = EventStore.open(dir, options())) {
            assertThat(store.subscriptions().deleteGroup("unopened")).as("deleted without being opened").isTrue();
            assertThat(Files.exists(dir.resolve("subscriptions").resolve("unopened.group"))).isFalse();
            assertThat(store.subscriptions().groupNames()).containsExactly("gone");
        }
    }

    @Test
    void aGroupFilteredToOneEntitySeesOnlyItAndHasNoLagWhenIdle() throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            appendBatch(store, 70, 0); // e0..e6, ten events each
            ConsumerGroup g = store.subscriptions().createGroup("e3-only",
                    GroupOptions.DEFAULTS.withFilter(SubscriptionFilter.builder().entityId("e3").build()));
            List<Long> versions = new ArrayList<>();
            try (GroupMember m = g.join("m")) {
                for (int i = 0; i < 10; i++) {
                    Delivery d = m.poll(WAIT).orElseThrow();
                    assertThat(d.event().entityId()).isEqualTo("e3");
                    versions.add(d.event().version());
                    d.ack();
                }
                assertThat(m.poll(BRIEF)).isEmpty();
            }
            assertThat(versions).isSorted().hasSize(10);
            GroupInfo info = g.info();
            // The feed passes the last three positions (other entities') after e3's last event.
            for (long until = System.nanoTime() + WAIT.toNanos(); info.lag() > 0 && System.nanoTime() < until; ) {
                Thread.sleep(10);
                info = g.info();
            }
            assertThat(info.headPosition()).isEqualTo(70);
            assertThat(info.checkpoint()).as("the events of other entities count as passed").isEqualTo(70);
            assertThat(info.lag()).isZero();
        }
    }
}
