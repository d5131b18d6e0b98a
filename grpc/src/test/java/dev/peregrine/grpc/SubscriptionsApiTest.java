package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionListener;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Catch-up subscriptions through the official client: from the start, the end, a position or a
 * revision, receiving what was stored and then live events that a concurrent appender writes during
 * the catch-up, with no gap and no duplicate across the switch to live.
 */
class SubscriptionsApiTest extends SharedServerTest {
    private static final AtomicInteger STREAMS = new AtomicInteger();
    /** Events written while a subscription catches up: enough that the switch to live happens among them. */
    private static final int LIVE = 2_000;

    /** Collects a subscription's events, caught-up signals and checkpoints. */
    static final class Collector extends SubscriptionListener {
        final LinkedBlockingQueue<ResolvedEvent> events = new LinkedBlockingQueue<>();
        final CountDownLatch caughtUp = new CountDownLatch(1);
        final CountDownLatch confirmed = new CountDownLatch(1);
        final List<Position> checkpoints = new CopyOnWriteArrayList<>();
        volatile Throwable cancelled;

        @Override
        public void onEvent(Subscription subscription, ResolvedEvent event) {
            events.add(event);
        }

        @Override
        public void onConfirmation(Subscription subscription) {
            confirmed.countDown();
        }

        @Override
        public void onCaughtUp(Subscription subscription, Instant timestamp, Long streamRevision, Position position) {
            caughtUp.countDown();
        }

        @Override
        public void onCancelled(Subscription subscription, Throwable exception) {
            cancelled = exception;
        }

        /** The next {@code n} events' data as text, waiting for each. */
        List<String> take(int n) throws InterruptedException {
            List<String> taken = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ResolvedEvent event = events.poll(30, TimeUnit.SECONDS);
                assertThat(event).as("event %d of %d (cancelled: %s)", i, n, cancelled).isNotNull();
                taken.add(new String(event.getEvent().getEventData(), StandardCharsets.UTF_8));
            }
            return taken;
        }
    }

    static EventData numbered(String type, int n) {
        return EventData.builderAsJson(type, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8)).build();
    }

    static List<String> expected(int from, int to) {
        List<String> all = new ArrayList<>();
        for (int n = from; n < to; n++) {
            all.add("{\"n\":" + n + "}");
        }
        return all;
    }

    /** Appends events {@code from} to {@code to} one by one on another thread, as another client. */
    static CompletableFuture<Void> appendConcurrently(KurrentDBClient writer, String stream, int from, int to) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int n = from; n < to; n++) {
                    writer.appendToStream(stream, numbered("tick.counted", n)).get();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> Thread.ofPlatform().name("appender").start(runnable));
    }

    @Test
    void aStreamSubscriptionFromTheStartCatchesUpAndGoesLiveWithoutGapOrDuplicate() throws Exception {
        String s = "ticks-" + STREAMS.incrementAndGet();
        for (int n = 0; n < 500; n++) {
            client.appendToStream(s, numbered("tick.counted", n)).get();
        }
        Collector collector = new Collector();
        CompletableFuture<Void> appender = appendConcurrently(server.client(), s, 500, 500 + LIVE);
        Subscription subscription = client.subscribeToStream(s, collector, SubscribeToStreamOptions.get().fromStart()).get();
        appender.get();
        assertThat(collector.take(500 + LIVE)).containsExactlyElementsOf(expected(0, 500 + LIVE));
        assertThat(collector.caughtUp.await(30, TimeUnit.SECONDS)).isTrue();
        client.appendToStream(s, numbered("tick.counted", 500 + LIVE)).get();
        assertThat(collector.take(1)).containsExactly("{\"n\":" + (500 + LIVE) + "}");
        subscription.stop();
        assertThat(collector.events).isEmpty();
    }

    /**
     * A catch-up over many events whose JSON the server renders one after another in the same buffer:
     * every event's data and custom metadata arrive whole, byte for byte and in order, whatever the
     * sizes of its neighbours (sizes drawn from a seeded random, so a shorter event after a longer one
     * would show the longer one's leftovers if a buffer were shared between two messages).
     */
    @Test
    void aLongCatchUpDeliversEveryEventsBytesInOrder() throws Exception {
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        String s = "long-" + STREAMS.incrementAndGet();
        int total = 20_000;
        List<String> data = new ArrayList<>(total);
        List<String> metadata = new ArrayList<>(total);
        for (int n = 0; n < total; ) {
            List<EventData> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++, n++) {
                String d = "{\"n\":" + n + ",\"pad\":\"" + "x".repeat(random.nextInt(600)) + "\"}";
                String m = "{\"m\":" + n + ",\"pad\":\"" + "y".repeat(random.nextInt(200)) + "\"}";
                data.add(d);
                metadata.add(m);
                batch.add(EventData.builderAsJson("long.counted", d.getBytes(StandardCharsets.UTF_8))
                        .metadataAsBytes(m.getBytes(StandardCharsets.UTF_8)).build());
            }
            client.appendToStream(s, batch.iterator()).get();
        }
        Collector collector = new Collector();
        Subscription subscription = client.subscribeToStream(s, collector, SubscribeToStreamOptions.get().fromStart()).get();
        for (int n = 0; n < total; n++) {
            ResolvedEvent event = collector.events.poll(30, TimeUnit.SECONDS);
            assertThat(event).as("event %d (seed %d, cancelled: %s)", n, seed, collector.cancelled).isNotNull();
            assertThat(new String(event.getEvent().getEventData(), StandardCharsets.UTF_8)).as("data of %d (seed %d)", n, seed)
                    .isEqualTo(data.get(n));
            assertThat(new String(event.getEvent().getUserMetadata(), StandardCharsets.UTF_8))
                    .as("metadata of %d (seed %d)", n, seed).isEqualTo(metadata.get(n));
        }
        assertThat(collector.caughtUp.await(30, TimeUnit.SECONDS)).isTrue();
        subscription.stop();
        assertThat(collector.events).isEmpty();
    }

    @Test
    void aStreamSubscriptionFromARevisionStartsAfterIt() throws Exception {
        String s = "ticks-" + STREAMS.incrementAndGet();
        for (int n = 0; n < 10; n++) {
            client.appendToStream(s, numbered("tick.counted", n)).get();
        }
        Collector collector = new Collector();
        Subscription subscription = client.subscribeToStream(s, collector, SubscribeToStreamOptions.get().fromRevision(6)).get();
        assertThat(collector.take(3)).containsExactlyElementsOf(expected(7, 10));
        // A revision not written yet: the subscription waits for the events after it.
        Collector ahead = new Collector();
        Subscription later = client.subscribeToStream(s, ahead, SubscribeToStreamOptions.get().fromRevision(11)).get();
        for (int n = 10; n < 14; n++) {
            client.appendToStream(s, numbered("tick.counted", n)).get();
        }
        assertThat(ahead.take(2)).containsExactlyElementsOf(expected(12, 14));
        assertThat(collector.take(4)).containsExactlyElementsOf(expected(10, 14));
        subscription.stop();
        later.stop();
    }

    @Test
    void aStreamSubscriptionFromTheEndReceivesOnlyNewEvents() throws Exception {
        String s = "ticks-" + STREAMS.incrementAndGet();
        for (int n = 0; n < 5; n++) {
            client.appendToStream(s, numbered("tick.counted", n)).get();
        }
        Collector collector = new Collector();
        Subscription subscription = client.subscribeToStream(s, collector, SubscribeToStreamOptions.get().fromEnd()).get();
        assertThat(collector.caughtUp.await(30, TimeUnit.SECONDS)).isTrue();
        for (int n = 5; n < 8; n++) {
            client.appendToStream(s, numbered("tick.counted", n)).get();
        }
        assertThat(collector.take(3)).containsExactlyElementsOf(expected(5, 8));
        subscription.stop();
    }

    @Test
    void anAllSubscriptionFromAPositionCatchesUpAndGoesLiveAcrossTheSwitch() throws Exception {
        String s = "all-ticks-" + STREAMS.incrementAndGet();
        Position cut = null;
        for (int n = 0; n < 300; n++) {
            Position at = client.appendToStream(s, numbered("tick.counted", n)).get().getLogPosition();
            if (n == 99) {
                cut = at;
            }
        }
        Collector collector = new Collector();
        CompletableFuture<Void> appender = appendConcurrently(server.client(), s, 300, 300 + LIVE);
        // Only this test's stream (other tests write to the same store at the same time).
        Subscription subscription = client.subscribeToAll(collector, SubscribeToAllOptions.get().fromPosition(cut)
                .filter(SubscriptionFilter.newBuilder().withStreamNameRegularExpression("^" + s + "$").build())).get();
        appender.get();
        assertThat(collector.take(200 + LIVE)).containsExactlyElementsOf(expected(100, 300 + LIVE));
        assertThat(collector.caughtUp.await(30, TimeUnit.SECONDS)).isTrue();
        subscription.stop();
    }

    @Test
    void anAllSubscriptionFromTheEndSeesOnlyNewEventsAndFromTheStartEverything() throws Exception {
        String s = "all-end-" + STREAMS.incrementAndGet();
        client.appendToStream(s, numbered("tick.counted", 0)).get();
        SubscriptionFilter only = SubscriptionFilter.newBuilder().addStreamNamePrefix(s).build();
        Collector fromEnd = new Collector();
        Subscription end = client.subscribeToAll(fromEnd, SubscribeToAllOptions.get().fromEnd().filter(only)).get();
        assertThat(fromEnd.caughtUp.await(30, TimeUnit.SECONDS)).isTrue();
        client.appendToStream(s, numbered("tick.counted", 1)).get();
        assertThat(fromEnd.take(1)).containsExactly("{\"n\":1}");

        Collector fromStart = new Collector();
        Subscription start = client.subscribeToAll(fromStart, SubscribeToAllOptions.get().fromStart().filter(only)).get();
        assertThat(fromStart.take(2)).containsExactly("{\"n\":0}", "{\"n\":1}");
        end.stop();
        start.stop();
    }

    /**
     * A stream-name pattern that takes a backtracking matcher exponential time against a name of
     * {@code a}s that ends in something else (2^100 steps here) is matched in linear time: the
     * subscription skips that stream and delivers the next event.
     */
    @Test
    void aCatastrophicFilterPatternDoesNotHoldTheSubscription() throws Exception {
        String tail = "-x" + STREAMS.incrementAndGet(); // this test's streams only
        SubscriptionFilter filter = SubscriptionFilter.newBuilder().withStreamNameRegularExpression("^(a+)+" + tail + "$")
                .build();
        Collector collector = new Collector();
        Subscription subscription = client.subscribeToAll(collector, SubscribeToAllOptions.get().fromEnd().filter(filter))
                .get();
        assertThat(collector.caughtUp.await(30, TimeUnit.SECONDS)).isTrue();
        client.appendToStream("a".repeat(100) + "!" + tail, numbered("tick.counted", 0)).get();
        client.appendToStream("a".repeat(100) + tail, numbered("tick.counted", 1)).get();
        assertThat(collector.take(1)).containsExactly("{\"n\":1}");
        subscription.stop();
    }

    @Test
    void filtersOnEventTypeSendCheckpointsWhileSkipping() throws Exception {
        String s = "typed-" + STREAMS.incrementAndGet();
        String wanted = "wanted" + STREAMS.get() + ".event";
        List<Position> checkpoints = Collections.synchronizedList(new ArrayList<>());
        Collector collector = new Collector();
        SubscriptionFilter filter = SubscriptionFilter.newBuilder().withEventTypeRegularExpression("^" + wanted.replace(".", "\\.") + "$")
                .withMaxWindow(10).withCheckpointer((subscription, position) -> {
                    checkpoints.add(position);
                    return CompletableFuture.completedFuture(null);
                }, 1).build();
        Subscription subscription = client.subscribeToAll(collector, SubscribeToAllOptions.get().fromEnd().filter(filter)).get();
        assertThat(collector.caughtUp.await(30, TimeUnit.SECONDS)).isTrue();
        for (int n = 0; n < 100; n++) {
            client.appendToStream(s, AppendToStreamOptions.get().streamState(StreamState.any()),
                    numbered(n % 25 == 0 ? wanted : "other.event", n)).get();
        }
        assertThat(collector.take(4)).containsExactly("{\"n\":0}", "{\"n\":25}", "{\"n\":50}", "{\"n\":75}");
        subscription.stop();
        // 100 events examined, a checkpoint every 10: the client was told the server had looked past them.
        assertThat(checkpoints).hasSizeGreaterThanOrEqualTo(9);
        assertThat(checkpoints).extracting(Position::getCommitUnsigned).isSorted();
    }
}
