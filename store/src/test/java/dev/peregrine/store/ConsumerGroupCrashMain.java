package dev.peregrine.store;

import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.NackAction;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Child process of {@link ConsumerGroupCrashTest}: opens group {@code workers} (creating it in the
 * first round), raises its {@code maxAttempts} to the round's value with {@link ConsumerGroup#update}
 * and prints {@code UPDATED <n> <n>} once that returns, then four members consume forever: a poison
 * event ({@link ConsumerGroupCrashTest#poison}) is parked, every other acknowledged, and each
 * settlement is printed ({@code ACK <position> <position>}, {@code PARK <position> <position>}) after
 * it returned, flushed at once; the value is written twice so that a line the kill cut short is told
 * from a whole one. The parent kills it with SIGKILL at a random moment.
 */
public final class ConsumerGroupCrashMain {

    private ConsumerGroupCrashMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        int round = Integer.parseInt(args[1]);
        EventStore store = EventStore.open(Path.of(args[0]), StoreOptions.builder().durability(Durability.none()).build());
        ConsumerGroup group = round == 0
                ? store.subscriptions().createGroup("workers", ConsumerGroupCrashTest.OPTIONS)
                : store.subscriptions().findGroup("workers").orElseThrow();
        GroupOptions raised = group.options().withMaxAttempts(ConsumerGroupCrashTest.OPTIONS.maxAttempts() + round);
        group.update(raised);
        CrashWriters.print(out, "UPDATED " + raised.maxAttempts() + " " + raised.maxAttempts());
        List<Thread> threads = new ArrayList<>();
        for (int m = 0; m < 4; m++) {
            GroupMember member = group.join("m" + m, 16);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        Optional<Delivery> d = member.poll(Duration.ofMillis(50));
                        if (d.isEmpty()) {
                            continue;
                        }
                        long position = d.get().event().position();
                        if (ConsumerGroupCrashTest.poison(position)) {
                            d.get().nack(NackAction.PARK, "poison");
                            CrashWriters.print(out, "PARK " + position + " " + position);
                        } else {
                            d.get().ack();
                            CrashWriters.print(out, "ACK " + position + " " + position);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
