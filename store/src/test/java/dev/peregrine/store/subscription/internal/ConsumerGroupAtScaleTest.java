package dev.peregrine.store.subscription.internal;

import static dev.peregrine.store.subscription.internal.SubscriptionTest.options;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupInfo;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.NackAction;
import dev.peregrine.store.subscription.ParkedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of events, several members on real threads, every nack action and forgotten deliveries
 * that time out; then a restart, and replay of the parked events oldest first. What each event gets
 * is decided by its position (seeded), so the outcome does not depend on which member receives it:
 * every event is delivered at least once and settled once, an always-failing event is delivered
 * exactly {@code maxAttempts} times and parked, a parking nack parks at once, a skip settles without
 * parking, a forgotten delivery comes back after the ack timeout; per entity, settlements follow
 * position order; the group's info numbers add up; after the restart nothing is redelivered, the
 * options and parked events are the persisted ones, and replays come in position order.
 */
class ConsumerGroupAtScaleTest {

    private static final int EVENTS = 4_000;
    private static final int ENTITIES = 97;
    private static final int MEMBERS = 4;
    private static final int MEMBER_LIMIT = 16;
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    /** One hand-out as a member saw it. */
    private record Seen(long position, int attempt, String member) {}

    @Test
    void atLeastOnceRetriesParkingTimeoutsAndReplayAddUp() throws Exception {
        long seed = Long.getLong("groups.seed", System.nanoTime());
        String context = "seed " + seed + " (replay with -Dgroups.seed=" + seed + ")";
        Random rnd = new Random(seed);
        Set<Long> poison = new TreeSet<>();
        Set<Long> parkNow = new TreeSet<>();
        Set<Long> skip = new TreeSet<>();
        Set<Long> flaky = new TreeSet<>();
        Set<Long> forgotten = new TreeSet<>();
        GroupOptions options = GroupOptions.DEFAULTS.withMaxAttempts(MAX_ATTEMPTS)
                .withAckTimeout(Duration.ofSeconds(2)).withMaxInFlight(256);
        List<ParkedEvent> parkedBefore;
        try (EventStore store = EventStore.open(dir, options())) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 1; i <= EVENTS; i++) {
                batch.add(NewEvent.builder().eventType("t" + rnd.nextInt(3)).entityId("e" + rnd.nextInt(ENTITIES))
                        .payload(RecordBuilder.create(store.dictionary()).put("i", (long) i).build()).build());
                if (batch.size() == 500) {
                    store.append(batch);
                    batch.clear();
                }
                int fate = rnd.nextInt(1000);
                Set<Long> bucket = fate < 10 ? poison : fate < 20 ? parkNow : fate < 40 ? skip : fate < 90 ? flaky
                        : fate < 92 ? forgotten : null;
                if (bucket != null) {
                    bucket.add((long) i);
                }
            }
            assertThat(store.lastPosition()).isEqualTo(EVENTS);
            assertThat(poison.size() + parkNow.size()).as("enough to park; %s", context).isGreaterThan(6);
            ConsumerGroup group = store.subscriptions().createGroup("workers", options);

            Set<Long> settled = ConcurrentHashMap.newKeySet();
            List<Seen> seen = new CopyOnWriteArrayList<>();
            Map<String, List<Long>> settleOrder = new ConcurrentHashMap<>();
            AtomicBoolean failed = new AtomicBoolean();
            List<GroupMember> members = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int m = 0; m < MEMBERS; m++) {
                GroupMember member = group.join("m" + m, MEMBER_LIMIT);
                members.add(member);
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (settled.size() < EVENTS && !failed.get()) {
                            Optional<Delivery> d = member.poll(POLL);
                            if (d.isEmpty()) {
                                continue;
                            }
                            Delivery x = d.get();
                            long p = x.event().position();
                            seen.add(new Seen(p, x.attempt(), member.id()));
                            List<Long> order = settleOrder.computeIfAbsent(x.event().entityId(),
                                    k -> new CopyOnWriteArrayList<>());
                            if (poison.contains(p)) {
                                if (x.attempt() == MAX_ATTEMPTS) {
                                    order.add(p);
                                    settled.add(p);
                                }
                                x.nack(NackAction.RETRY, "poison");
                            } else if (parkNow.contains(p)) {
                                order.add(p);
                                settled.add(p);
                                x.nack(NackAction.PARK, "park it");
                            } else if (skip.contains(p)) {
                                order.add(p);
                                settled.add(p);
                                x.nack(NackAction.SKIP, "skip it");
                            } else if ((flaky.contains(p) || forgotten.contains(p)) && x.attempt() == 1) {
                                if (flaky.contains(p)) {
                                    x.nack(NackAction.RETRY, "flaky");
                                } // a forgotten one is never settled: it times out
                            } else {
                                order.add(p);
                                settled.add(p);
                                x.ack();
                            }
                        }
                    } catch (Throwable t) {
                        failed.set(true);
                        throw new AssertionError(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(120_000);
                assertThat(t.isAlive()).as("consumer finished; %s", context).isFalse();
            }
            assertThat(failed).as(context).isFalse();

            assertThat(settled).as("every event settled; %s", context).hasSize(EVENTS);
            Map<Long, List<Integer>> attempts = new ConcurrentHashMap<>();
            for (Seen s : seen) {
                attempts.computeIfAbsent(s.position(), k -> new ArrayList<>()).add(s.attempt());
            }
            assertThat(attempts).as("every event delivered at least once; %s", context).hasSize(EVENTS);
            for (Map.Entry<Long, List<Integer>> e : attempts.entrySet()) {
                List<Integer> a = e.getValue();
                assertThat(a).as("position %d's attempts count up from 1; %s", e.getKey(), context)
                        .isEqualTo(java.util.stream.IntStream.rangeClosed(1, a.size()).boxed().toList());
            }
            for (long p : poison) {
                assertThat(attempts.get(p)).as("poison %d delivered maxAttempts times; %s", p, context)
                        .hasSize(MAX_ATTEMPTS);
            }
            for (long p : forgotten) {
                assertThat(attempts.get(p).size()).as("forgotten %d came back after the timeout; %s", p, context)
                        .isGreaterThanOrEqualTo(2);
            }
            for (long p : flaky) {
                assertThat(attempts.get(p).size()).as("flaky %d retried; %s", p, context).isGreaterThanOrEqualTo(2);
            }
            for (Map.Entry<String, List<Long>> e : settleOrder.entrySet()) {
                assertThat(e.getValue()).as("entity %s settles in position order; %s", e.getKey(), context)
                        .isSorted().doesNotHaveDuplicates();
            }

            Set<Long> expectParked = new TreeSet<>(poison);
            expectParked.addAll(parkNow);
            parkedBefore = group.parked();
            assertThat(parkedBefore.stream().map(ParkedEvent::position).toList()).as(context)
                    .containsExactlyElementsOf(expectParked);
            for (ParkedEvent p : parkedBefore) {
                assertThat(p.reason()).as(context).isEqualTo(poison.contains(p.position()) ? "poison" : "park it");
                if (poison.contains(p.position())) {
                    assertThat(p.attempts()).as(context).isEqualTo(MAX_ATTEMPTS);
                }
            }

            GroupInfo info = group.info();
            assertThat(info.members()).extracting(GroupInfo.MemberInfo::id).containsExactly("m0", "m1", "m2", "m3");
            assertThat(info.inFlight()).as(context).isZero();
            assertThat(info.waiting()).as(context).isZero();
            assertThat(info.parked()).isEqualTo(expectParked.size());
            assertThat(info.checkpoint()).isEqualTo(EVENTS);
            assertThat(info.headPosition()).isEqualTo(EVENTS);
            assertThat(info.lag()).isZero();
            assertThat(info.delivered()).as("every hand-out counted; %s", context).isEqualTo(seen.size());
            assertThat(info.acked() + info.nacked() + info.timedOut()).as("each hand-out ended once; %s", context)
                    .isEqualTo(info.delivered());
            assertThat(info.timedOut()).as(context).isGreaterThanOrEqualTo(forgotten.size());
            assertThat(info.members().stream().mapToLong(GroupInfo.MemberInfo::delivered).sum())
                    .isEqualTo(info.delivered());
            assertThat(info.members().stream().mapToLong(GroupInfo.MemberInfo::acked).sum()).isEqualTo(info.acked());
            assertThat(info.members().stream().mapToLong(GroupInfo.MemberInfo::nacked).sum()).isEqualTo(info.nacked());
            assertThat(info.members()).allSatisfy(m -> assertThat(m.delivered()).as(context).isPositive());
            for (GroupInfo.MemberInfo m : info.members()) {
                long mine = seen.stream().filter(s -> s.member().equals(m.id())).count();
                assertThat(m.delivered()).as("member %s; %s", m.id(), context).isEqualTo(mine);
            }
            members.forEach(GroupMember::close);
        }

        try (EventStore store = EventStore.open(dir, options())) {
            ConsumerGroup group = store.subscriptions().findGroup("workers").orElseThrow();
            assertThat(group.options()).as("persisted options").isEqualTo(options);
            assertThat(group.parked()).isEqualTo(parkedBefore);
            assertThat(group.acknowledgedPosition()).isEqualTo(EVENTS);
            try (GroupMember fixer = group.join("fixer")) {
                assertThat(fixer.poll(Duration.ofMillis(200))).as("nothing is redelivered after a restart").isEmpty();
                int first = Math.min(5, parkedBefore.size());
                assertThat(group.replayOldestParked(first)).isEqualTo(first);
                assertThat(group.info().replaying()).isEqualTo(first);
                List<Long> replayed = new ArrayList<>();
                for (int i = 0; i < first; i++) {
                    Delivery d = fixer.poll(Duration.ofSeconds(30)).orElseThrow();
                    assertThat(d.attempt()).isEqualTo(1);
                    replayed.add(d.event().position());
                    d.ack();
                }
                assertThat(replayed).as("the oldest parked, in order; %s", context).containsExactlyElementsOf(
                        parkedBefore.subList(0, first).stream().map(ParkedEvent::position).toList());
                int rest = parkedBefore.size() - first;
                assertThat(group.replayAllParked()).isEqualTo(rest);
                assertThat(group.replayAllParked()).as("already replaying").isZero();
                long stubborn = -1;
                List<Long> order = new ArrayList<>();
                for (int i = 0; i < rest + MAX_ATTEMPTS - 1; i++) {
                    Delivery d = fixer.poll(Duration.ofSeconds(30)).orElseThrow();
                    long p = d.event().position();
                    if (stubborn == -1) {
                        stubborn = p; // the first of the rest fails again until it is parked again
                    }
                    if (p == stubborn) {
                        d.nack(NackAction.RETRY, "still broken");
                    } else {
                        order.add(p);
                        d.ack();
                    }
                }
                assertThat(order).as("replayed in position order; %s", context).isSorted();
                assertThat(group.parked()).extracting(ParkedEvent::position).containsExactly(stubborn);
                assertThat(group.parked().getFirst().reason()).isEqualTo("still broken");
                assertThat(group.parked().getFirst().attempts()).isEqualTo(MAX_ATTEMPTS);
                GroupInfo info = group.info();
                assertThat(info.replaying()).isZero();
                assertThat(info.inFlight()).isZero();
                assertThat(info.acked()).isEqualTo(parkedBefore.size() - 1);
                assertThat(info.nacked()).isEqualTo(MAX_ATTEMPTS);
            }
        }
        try (EventStore store = EventStore.open(dir, options())) {
            assertThat(store.subscriptions().findGroup("workers").orElseThrow().parked()).hasSize(1);
        }
    }
}
