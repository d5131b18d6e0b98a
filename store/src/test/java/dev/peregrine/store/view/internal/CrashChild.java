package dev.peregrine.store.view.internal;

import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.subscription.DurableSubscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.view.BackfillListener;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child JVM of {@link CrashRecoveryTest}: opens a store (fsync, views checkpointed every 300
 * events), registers views, runs a durable subscription that acknowledges every event, and appends
 * random events and tombstones until it is killed. Prints {@code ACK <position>} after each
 * acknowledgement has returned (so it is durable) and {@code POS <position>} after each append.
 */
public final class CrashChild {

    private CrashChild() {}

    static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.fsync()).followerCheckpointEvery(300).build();
    }

    /** @param args store directory, seed */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        EventStore store = EventStore.open(dir, options());
        RandomViews gen = new RandomViews(new Random(seed));
        for (int i = 0; i < 3; i++) {
            store.views().register(gen.definition("crash" + i), BackfillListener.NONE);
        }
        AtomicReference<DurableSubscription> self = new AtomicReference<>();
        self.set(store.subscriptions().durable("crash", SubscriptionFilter.ALL, e -> {
            while (self.get() == null) {
                Thread.onSpinWait();
            }
            self.get().ack(e.position());
            System.out.println("ACK " + e.position());
        }));
        StoreWorkload work = new StoreWorkload(store, new Random(seed + 1));
        while (true) {
            work.step();
            System.out.println("POS " + store.lastPosition());
        }
    }
}
