package dev.peregrine.store.subscription.internal;

import static dev.peregrine.store.subscription.internal.SubscriptionTest.options;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.NackAction;
import dev.peregrine.store.subscription.ParkedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group's state is written outside its lock, by one writer at a time, shared by the acks that
 * arrive meanwhile. Many members settle concurrently on real threads while a sampler reads the state
 * file as a crash would leave it: its checkpoint always covers every settlement that has returned
 * (the longest run 1..L of returned acks and parking nacks), and never goes back. After the run the
 * file, read before the store is closed, holds the final checkpoint and every parked event, and a
 * reopened store redelivers nothing.
 */
class ConsumerGroupDurabilityTest {

    private static final long SEED = 0xC0DE_6006L;
    private static final int EVENTS = 3_000;
    private static final int ENTITIES = 211;
    private static final int MEMBERS = 8;
    private static final int MAX_ATTEMPTS = 3;

    @TempDir
    Path dir;

    @Test
    void everyReturnedSettlementIsOnDiskAndTheFileNeverGoesBack() throws Exception {
        Random rnd = new Random(SEED);
        Set<Long> poison = new TreeSet<>();
        long total;
        Path file = dir.resolve("subscriptions").resolve("workers.group");
        try (EventStore store = EventStore.open(dir, options())) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                batch.add(NewEvent.builder().eventType("t").entityId("e" + rnd.nextInt(ENTITIES))
                        .payload(RecordBuilder.create(store.dictionary()).put("i", (long) i).build()).build());
                if (batch.size() == 500) {
                    store.append(batch);
                    batch.clear();
                }
            }
            total = store.lastPosition();
            while (poison.size() < 12) {
                poison.add(1 + (long) rnd.nextInt((int) total));
            }
            ConsumerGroup group = store.subscriptions().group("workers",
                    GroupOptions.DEFAULTS.withMaxAttempts(MAX_ATTEMPTS));

            // Positions whose settlement (ack, or the nack that parks) has returned.
            ConcurrentSkipListSet<Long> settled = new ConcurrentSkipListSet<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> members = new ArrayList<>();
            for (int m = 0; m < MEMBERS; m++) {
                GroupMember member = group.join("m" + m);
                Random mine = new Random(SEED + m);
                members.add(Thread.ofPlatform().name("member-" + m).start(() -> {
                    try (member) {
                        while (settled.size() < total) {
                            Optional<Delivery> d = member.poll(Duration.ofMillis(50));
                            if (d.isEmpty()) {
                                continue;
                            }
                            long position = d.get().event().position();
                            if (poison.contains(position)) {
                                d.get().nack(NackAction.RETRY, "poison");
                                if (d.get().attempt() == MAX_ATTEMPTS) {
                                    settled.add(position);
                                }
                            } else if (d.get().attempt() < MAX_ATTEMPTS && mine.nextInt(20) == 0) {
                                d.get().nack(NackAction.RETRY, "retry me"); // a retry, never a parking
                            } else {
                                d.get().ack();
                                settled.add(position);
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            List<Long> samples = new ArrayList<>();
            Thread sampler = Thread.ofPlatform().name("sampler").start(() -> {
                try {
                    long previous = 0;
                    while (!done.get()) {
                        long covered = contiguousPrefix(settled);
                        // Read after the prefix was taken; the file appears (by rename) with the first write.
                        long onDisk = SubscriptionStateFile.read(file).map(SubscriptionStateFile.State::position).orElse(0L);
                        assertThat(onDisk).as("seed %d: file checkpoint covers every returned settlement", SEED)
                                .isGreaterThanOrEqualTo(covered);
                        assertThat(onDisk).as("seed %d: a later state is never replaced by an earlier one", SEED)
                                .isGreaterThanOrEqualTo(previous);
                        previous = onDisk;
                        samples.add(onDisk);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            for (Thread t : members) {
                t.join(120_000);
                assertThat(t.isAlive()).as("seed %d: member finished", SEED).isFalse();
            }
            done.set(true);
            sampler.join(60_000);
            assertThat(failures).as("seed %d", SEED).isEmpty();
            assertThat(samples).as("the sampler ran").isNotEmpty();
            assertThat(settled).hasSize((int) total);

            // What a crash now would leave: the file as it is, with no close to write anything more.
            SubscriptionStateFile.State image = SubscriptionStateFile.read(file).orElseThrow();
            assertThat(image.position()).as("seed %d", SEED).isEqualTo(total);
            assertThat(image.parked()).extracting(ParkedEvent::position).as("seed %d", SEED)
                    .containsExactlyElementsOf(poison);
        }
        try (EventStore store = EventStore.open(dir, options())) {
            ConsumerGroup group = store.subscriptions().group("workers", GroupOptions.DEFAULTS);
            assertThat(group.acknowledgedPosition()).isEqualTo(total);
            assertThat(group.parked()).extracting(ParkedEvent::position).containsExactlyElementsOf(poison);
            try (GroupMember m = group.join("after")) {
                assertThat(m.poll(Duration.ofMillis(200))).as("nothing acknowledged is redelivered").isEmpty();
            }
        }
    }

    /** @return the largest L such that 1..L are all in {@code positions} */
    private static long contiguousPrefix(ConcurrentSkipListSet<Long> positions) {
        long prefix = 0;
        for (long p : positions) {
            if (p != prefix + 1) {
                break;
            }
            prefix = p;
        }
        return prefix;
    }
}
