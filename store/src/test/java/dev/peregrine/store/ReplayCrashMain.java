package dev.peregrine.store;

import dev.peregrine.store.replay.ReplayRequest;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.ViewDefinition;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The child of {@link ReplayTest}'s kill test: appends orders, starts a replay of a projection whose
 * shadow never gets past its first event, prints {@code REPLAYING <id>}, then appends forever,
 * printing {@code ACK <position>} per event. The parent kills it with SIGKILL.
 */
public final class ReplayCrashMain {
    private ReplayCrashMain() {
    }

    public static void main(String[] args) {
        EventStore store = EventStore.open(Path.of(args[0]), StoreOptions.builder().durability(Durability.none())
                .followerCheckpointEvery(50).build());
        store.registerProjection(new ReplayTest.Counting(new CountDownLatch(1), new CountDownLatch(1), false));
        store.views().register(ViewDefinition.fromJson(ReplayTest.TOTALS.formatted("totals")), BackfillListener.NONE);
        for (int i = 0; i < 200; i++) {
            store.append(Events.event(store, "order.placed", "o-" + i, "{\"customer\":\"c" + (i % 5) + "\",\"amount\":1}")
                    .build());
        }
        String id = store.replays().start(ReplayRequest.projection("counting")).id().toString();
        System.out.println("REPLAYING " + id);
        System.out.flush();
        for (long i = 0; ; i++) {
            long position = store.append(Events.event(store, "order.placed", "n-" + i,
                    "{\"customer\":\"c" + (i % 5) + "\",\"amount\":1}").build()).position();
            System.out.println("ACK " + position);
            System.out.flush();
        }
    }
}
