package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.ConsumerStrategy;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.NackAction;
import dev.peregrine.store.subscription.ParkedEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer group's state across real crashes: a child JVM ({@link ConsumerGroupCrashMain}) updates
 * the group's options and consumes with four members, and is killed with SIGKILL once it has printed
 * a random number of settlements (by what it did, not by the clock: a fast child drained the whole
 * group within a fixed sleep, and the next round then waited for a settlement that never came),
 * several rounds over one store. After each kill the reopened group has the options of the last
 * update that returned (or a later one), a checkpoint that covers every settlement that returned
 * (the longest run 1..L of printed acks and parkings; settlements past a round's checkpoint are
 * redelivered, so they count again only when a later round settles them again), and every printed
 * parking in its parked list.
 * A last, clean pass consumes the rest: every event is settled, and exactly the poison events are
 * parked.
 */
class ConsumerGroupCrashTest {

    static final GroupOptions OPTIONS = GroupOptions.DEFAULTS.withMaxAttempts(3).withMaxInFlight(256)
            .withStrategy(ConsumerStrategy.ROUND_ROBIN);
    private static final int EVENTS = 20_000;
    /** The most settlements a round waits for before the kill: the rounds together leave events over. */
    private static final int MOST_SETTLEMENTS_PER_ROUND = 500;
    private static final int ROUNDS = 4;

    @TempDir
    Path dir;

    /** The events every child parks. */
    static boolean poison(long position) {
        return position % 97 == 13;
    }

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).build();
    }

    @Test
    void optionsCheckpointAndParkedEventsSurviveKills() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime() % 100_000);
        Random random = new Random(seed);
        try (EventStore store = EventStore.open(dir, options())) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                batch.add(NewEvent.builder().eventType("t").entityId("e" + random.nextInt(300))
                        .payload(RecordBuilder.create(store.dictionary()).put("i", (long) i).build()).build());
                if (batch.size() == 1_000) {
                    store.append(batch);
                    batch.clear();
                }
            }
        }
        Set<Long> settled = new ConcurrentSkipListSet<>();
        Set<Long> parked = new ConcurrentSkipListSet<>();
        String java = ProcessHandle.current().info().command().orElseThrow();
        for (int round = 0; round < ROUNDS; round++) {
            String context = "seed " + seed + " (replay with -Dcrash.seed=" + seed + "), round " + round;
            Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    ConsumerGroupCrashMain.class.getName(), dir.toString(), Integer.toString(round))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            AtomicInteger updated = new AtomicInteger();
            int killAfter = 1 + random.nextInt(MOST_SETTLEMENTS_PER_ROUND);
            CountDownLatch working = new CountDownLatch(killAfter);
            Thread reader = Thread.ofPlatform().start(() -> read(child, updated, settled, parked, working));
            assertThat(working.await(60, TimeUnit.SECONDS) && child.isAlive())
                    .as(context + ": the child settles " + killAfter + " events").isTrue();
            child.destroyForcibly();
            child.waitFor();
            reader.join();

            try (EventStore store = EventStore.open(dir, options())) {
                ConsumerGroup group = store.subscriptions().findGroup("workers").orElseThrow();
                assertThat(updated.get()).as(context).isEqualTo(OPTIONS.maxAttempts() + round);
                assertThat(group.options().maxAttempts()).as(context + ": the returned update is on disk")
                        .isGreaterThanOrEqualTo(updated.get());
                assertThat(group.options().withMaxAttempts(OPTIONS.maxAttempts())).as(context).isEqualTo(OPTIONS);
                long run = 0;
                while (settled.contains(run + 1)) {
                    run++;
                }
                assertThat(group.acknowledgedPosition()).as(context + ": every returned settlement is covered")
                        .isGreaterThanOrEqualTo(run).isLessThanOrEqualTo(EVENTS);
                Set<Long> lot = new TreeSet<>(group.parked().stream().map(ParkedEvent::position).toList());
                assertThat(lot).as(context + ": every returned parking is kept").containsAll(parked);
                assertThat(lot).as(context).allSatisfy(p -> assertThat(poison(p)).isTrue());
                // Settlements past the checkpoint are not kept one by one: those events are delivered again
                // in the next round, and count as settled once that round settles them again.
                long checkpoint = group.acknowledgedPosition();
                settled.removeIf(p -> p > checkpoint);
            }
        }
        assertThat(settled).as("seed %d: the children settled events", seed).hasSizeGreaterThan(ROUNDS);

        try (EventStore store = EventStore.open(dir, options())) {
            ConsumerGroup group = store.subscriptions().findGroup("workers").orElseThrow();
            try (GroupMember last = group.join("last")) {
                while (group.acknowledgedPosition() < EVENTS) {
                    Delivery d = last.poll(Duration.ofSeconds(30)).orElseThrow();
                    if (poison(d.event().position())) {
                        d.nack(NackAction.PARK, "poison");
                    } else {
                        d.ack();
                    }
                }
                assertThat(last.poll(Duration.ofMillis(100))).isEmpty();
            }
            List<Long> expected = new ArrayList<>();
            for (long p = 1; p <= EVENTS; p++) {
                if (poison(p)) {
                    expected.add(p);
                }
            }
            assertThat(group.parked().stream().map(ParkedEvent::position).toList()).as("seed %d", seed)
                    .containsExactlyElementsOf(expected);
        }
    }

    private static void read(Process child, AtomicInteger updated, Set<Long> settled, Set<Long> parked,
                             CountDownLatch working) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] parts = line.split(" ");
                if (parts.length != 3 || !parts[1].equals(parts[2])) {
                    continue; // a line the kill cut short
                }
                try {
                    long value = Long.parseLong(parts[1]);
                    switch (parts[0]) {
                        case "UPDATED" -> updated.set((int) value);
                        case "ACK" -> {
                            settled.add(value);
                            working.countDown();
                        }
                        case "PARK" -> {
                            settled.add(value);
                            parked.add(value);
                            working.countDown();
                        }
                        default -> { }
                    }
                } catch (NumberFormatException cut) {
                    // cut short by the kill
                }
            }
        } catch (Exception e) {
            // the pipe closes when the child dies
        }
        while (working.getCount() > 0) { // the child died early: the parent's check then fails on isAlive
            working.countDown();
        }
    }
}
