package dev.peregrine.store.view.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.DurableSubscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM ({@link CrashChild}) while it appends, maintains views (checkpointed every
 * 300 events) and acknowledges a durable subscription; then reopens the store and checks that every
 * view equals a recompute from the recovered log and that the durable subscription resumes right
 * after its last persisted acknowledgement, delivering every later position once and in order.
 */
class CrashRecoveryTest {

    private static final long SEED = 0xC4A5_0006L;

    @TempDir
    Path dir;

    @Test
    void viewsAndDurableSubscriptionsResumeAfterAKill() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED",
                CrashChild.class.getName(), dir.toString(), Long.toString(SEED))
                .redirectErrorStream(true).start();
        long lastAck = 0;
        long lastPos = 0;
        List<String> tail = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    lastAck = Long.parseLong(line.substring(4));
                } else if (line.startsWith("POS ")) {
                    lastPos = Long.parseLong(line.substring(4));
                } else if (tail.size() < 50) {
                    tail.add(line);
                }
                if (lastAck >= 1_500 && lastPos >= 2_000) {
                    child.destroyForcibly();
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(lastAck).as("child output: %s", tail).isGreaterThanOrEqualTo(1_500);

        try (EventStore store = EventStore.open(dir, CrashChild.options())) {
            long last = store.lastPosition();
            assertThat(last).as("no acknowledged append lost").isGreaterThanOrEqualTo(lastPos);
            List<ViewOracle.Entry> log = StoreLog.read(store);
            RandomViews gen = new RandomViews(new Random(SEED));
            for (int i = 0; i < 3; i++) {
                ViewDefinition d = gen.definition("crash" + i);
                View v = store.views().get(d.name()).orElseThrow();
                assertThat(v.awaitPosition(last, Duration.ofSeconds(60))).isTrue();
                assertThat(v.read().rows()).as("view %s after the crash", d).isEqualTo(ViewOracle.recompute(d, log, last));
            }
            List<Long> positions = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            DurableSubscription d = store.subscriptions().durable("crash", SubscriptionFilter.ALL, (StoredEvent e) -> {
                positions.add(e.position());
                if (e.position() == last) {
                    done.countDown();
                }
            });
            long acked = d.acknowledgedPosition();
            assertThat(acked).as("every printed acknowledgement was persisted").isGreaterThanOrEqualTo(lastAck);
            if (acked < last) {
                assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
                List<Long> expected = new ArrayList<>();
                for (long p = acked + 1; p <= last; p++) {
                    expected.add(p);
                }
                assertThat(positions).isEqualTo(expected);
            }
        }
    }
}
