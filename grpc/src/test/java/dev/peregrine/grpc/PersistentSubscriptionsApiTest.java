package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.NamedConsumerStrategy;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionInfo;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.PersistentSubscriptionToAllInfo;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import io.kurrent.dbclient.WriteResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Persistent subscriptions through the official client, on the server's consumer groups: to a
 * stream and to {@code $all}, every event delivered and acknowledged, nack with park and the replay
 * of parked events, retries until parked, the numbers of GetInfo and List, update and delete.
 */
class PersistentSubscriptionsApiTest extends SharedServerTest {
    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static KurrentDBPersistentSubscriptionsClient persistent;

    @BeforeAll
    static void persistentClient() {
        persistent = KurrentDBPersistentSubscriptionsClient.from(client);
    }

    /** A listener that queues what it receives, with each event's retry count. */
    static final class Received extends PersistentSubscriptionListener {
        record Event(ResolvedEvent event, int retryCount) {
            int n() {
                String json = new String(event.getEvent().getEventData(), StandardCharsets.UTF_8);
                return Integer.parseInt(json.replaceAll("\\D", ""));
            }
        }

        final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        volatile Throwable cancelled;
        volatile boolean wasCancelled;

        @Override
        public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
            events.add(new Event(event, retryCount));
        }

        @Override
        public void onCancelled(PersistentSubscription subscription, Throwable exception) {
            cancelled = exception;
            wasCancelled = true;
        }

        Event take() throws InterruptedException {
            Event event = events.poll(30, TimeUnit.SECONDS);
            assertThat(event).as("an event (cancelled: %s)", cancelled).isNotNull();
            return event;
        }
    }

    private static String stream(String prefix) {
        return prefix + "-" + STREAMS.incrementAndGet();
    }

    private static EventData numbered(int n) {
        return EventData.builderAsJson("item.added", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Appends events {@code from} to {@code to - 1} in batches of 100. */
    private static WriteResult append(String stream, int from, int to) throws Exception {
        WriteResult last = null;
        for (int start = from; start < to; start += 100) {
            List<EventData> batch = new ArrayList<>();
            for (int n = start; n < Math.min(to, start + 100); n++) {
                batch.add(numbered(n));
            }
            last = client.appendToStream(stream, batch.iterator()).get();
        }
        return last;
    }

    /** Waits for {@code condition} on what {@code read} returns, and returns that. */
    private static <T> T eventually(Supplier<T> read, Predicate<T> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        T value = read.get();
        while (!condition.test(value)) {
            assertThat(System.nanoTime()).as("condition not reached; last value %s", value).isLessThan(deadline);
            Thread.sleep(20);
            value = read.get();
        }
        return value;
    }

    private static PersistentSubscriptionToStreamInfo info(String stream, String group) {
        try {
            return persistent.getInfoToStream(stream, group).get().orElseThrow();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aStreamSubscriptionDeliversEveryEventInOrderThenLiveOnesAndAcksMoveTheCheckpoint() throws Exception {
        String stream = stream("ps-order");
        int stored = 300;
        append(stream, 0, stored);
        persistent.createToStream(stream, "billing", CreatePersistentSubscriptionToStreamOptions.get().fromStart()).get();
        Received received = new Received();
        PersistentSubscription subscription = persistent.subscribeToStream(stream, "billing",
                SubscribePersistentSubscriptionOptions.get().bufferSize(32), received).get();
        int total = stored + 200;
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                append(stream, stored, total);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int n = 0; n < total; n++) {
            Received.Event event = received.take();
            // One stream is one entity: its events come one at a time, in order, never retried here.
            assertThat(event.n()).isEqualTo(n);
            assertThat(event.retryCount()).isZero();
            assertThat(event.event().getEvent().getRevision()).isEqualTo(n);
            subscription.ack(event.event());
        }
        writer.join();
        PersistentSubscriptionToStreamInfo info = info(stream, "billing");
        assertThat(info.getEventSource()).isEqualTo(stream);
        assertThat(info.getGroupName()).isEqualTo("billing");
        assertThat(info.getStats().getTotalItems()).isEqualTo(total);
        assertThat(info.getStats().getParkedMessageCount()).isZero();
        assertThat(info.getConnections()).hasSize(1);
        eventually(() -> info(stream, "billing").getStats().getTotalInFlightMessages(), inFlight -> inFlight == 0);
        subscription.stop();
        eventually(() -> info(stream, "billing").getConnections().size(), members -> members == 0);
        assertThat(received.events.poll(100, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aNackWithParkParksTheEventAndReplayingParkedDeliversItAgain() throws Exception {
        String stream = stream("ps-park");
        append(stream, 0, 20);
        persistent.createToStream(stream, "parker", CreatePersistentSubscriptionToStreamOptions.get().fromStart()).get();
        Received received = new Received();
        PersistentSubscription subscription = persistent.subscribeToStream(stream, "parker", received).get();
        Set<Integer> parkedNumbers = Set.of(3, 11);
        for (int n = 0; n < 20; n++) {
            Received.Event event = received.take();
            assertThat(event.n()).isEqualTo(n);
            if (parkedNumbers.contains(n)) {
                subscription.nack(NackAction.Park, "bad item", event.event());
            } else {
                subscription.ack(event.event());
            }
        }
        assertThat(eventually(() -> info(stream, "parker").getStats().getParkedMessageCount(), parked -> parked == 2))
                .isEqualTo(2);
        assertThat(received.events.poll(100, TimeUnit.MILLISECONDS)).isNull();

        persistent.replayParkedMessagesToStream(stream, "parker").get();
        Set<Integer> replayed = new HashSet<>();
        for (int i = 0; i < parkedNumbers.size(); i++) {
            Received.Event event = received.take();
            replayed.add(event.n());
            subscription.ack(event.event());
        }
        assertThat(replayed).isEqualTo(parkedNumbers);
        eventually(() -> info(stream, "parker").getStats().getParkedMessageCount(), parked -> parked == 0);
        subscription.stop();
    }

    @Test
    void retriedEventsAreDeliveredMaxRetryCountTimesMoreThenParked() throws Exception {
        String stream = stream("ps-retry");
        append(stream, 0, 3);
        int maxRetries = 3;
        persistent.createToStream(stream, "retrier", CreatePersistentSubscriptionToStreamOptions.get().fromStart()
                .maxRetryCount(maxRetries)).get();
        Received received = new Received();
        PersistentSubscription subscription = persistent.subscribeToStream(stream, "retrier", received).get();
        // Event 0 fails every time: delivered with retry counts 0..maxRetries, then parked; the
        // stream's next events follow only then (one entity is handed out in order).
        for (int retry = 0; retry <= maxRetries; retry++) {
            Received.Event event = received.take();
            assertThat(event.n()).isZero();
            assertThat(event.retryCount()).isEqualTo(retry);
            subscription.nack(retry % 2 == 0 ? NackAction.Retry : NackAction.Unknown, "try again", event.event());
        }
        for (int n = 1; n < 3; n++) {
            Received.Event event = received.take();
            assertThat(event.n()).isEqualTo(n);
            subscription.ack(event.event());
        }
        assertThat(eventually(() -> info(stream, "retrier").getStats().getParkedMessageCount(), parked -> parked == 1))
                .isEqualTo(1);
        subscription.stop();
    }

    @Test
    void aSubscriptionToAllFromTheEndDeliversEveryNewEventOfEveryStreamOnce() throws Exception {
        String group = "audit-" + UUID.randomUUID();
        persistent.createToAll(group, CreatePersistentSubscriptionToAllOptions.get().fromEnd()).get();
        Received received = new Received();
        PersistentSubscription subscription = persistent.subscribeToAll(group,
                SubscribePersistentSubscriptionOptions.get().bufferSize(64), received).get();
        String prefix = stream("ps-all");
        int streams = 4;
        int perStream = 250;
        List<Thread> writers = new ArrayList<>();
        WriteResult[] last = new WriteResult[streams];
        for (int s = 0; s < streams; s++) {
            int index = s;
            writers.add(Thread.ofPlatform().start(() -> {
                try {
                    last[index] = append(prefix + "-" + index, index * perStream, (index + 1) * perStream);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        Set<Integer> seen = new HashSet<>();
        int[] nextOfStream = new int[streams];
        while (seen.size() < streams * perStream) {
            Received.Event event = received.take();
            String from = event.event().getEvent().getStreamId();
            if (from.startsWith(prefix + "-")) {
                int index = Integer.parseInt(from.substring(prefix.length() + 1));
                // Per stream in order; across streams in any order; each event once.
                assertThat(event.n()).isEqualTo(index * perStream + nextOfStream[index]++);
                assertThat(seen.add(event.n())).isTrue();
            }
            subscription.ack(event.event());
        }
        for (Thread writer : writers) {
            writer.join();
        }
        long lastPosition = 0;
        for (WriteResult result : last) {
            lastPosition = Math.max(lastPosition, result.getLogPosition().getCommitUnsigned());
        }
        long target = lastPosition;
        PersistentSubscriptionToAllInfo info = eventually(() -> allInfo(group), i -> i.getStats()
                .getLastCheckpointedEventPosition().map(p -> p.getCommitUnsigned() >= target).orElse(false));
        assertThat(info.getEventSource()).isEqualTo("$all");
        assertThat(info.getStats().getTotalItems()).isGreaterThanOrEqualTo(streams * perStream);
        assertThat(persistent.listToAll().get()).extracting(PersistentSubscriptionInfo::getGroupName).contains(group);
        subscription.stop();
        persistent.deleteToAll(group).get();
        assertThat(persistent.getInfoToAll(group).get()).isEmpty();
    }

    private static PersistentSubscriptionToAllInfo allInfo(String group) {
        try {
            return persistent.getInfoToAll(group).get().orElseThrow();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void updateChangesTheSettingsDeleteRemovesTheSubscriptionAndListNamesStreamAndGroup() throws Exception {
        // A stream name with characters a consumer group name cannot hold: encoded, listed back as it was.
        String stream = stream("ps-settings/zoë $x");
        persistent.createToStream(stream, "ops group", CreatePersistentSubscriptionToStreamOptions.get().fromEnd()
                .maxRetryCount(2).messageTimeoutInMs(10_000).maxSubscriberCount(3)
                .namedConsumerStrategy(NamedConsumerStrategy.PINNED)).get();
        assertThatThrownBy(() -> persistent.createToStream(stream, "ops group").get())
                .cause().isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
        PersistentSubscriptionToStreamInfo created = info(stream, "ops group");
        assertThat(created.getSettings().getMaxRetryCount()).isEqualTo(2);
        assertThat(created.getSettings().getMessageTimeoutMs()).isEqualTo(10_000);
        assertThat(created.getSettings().getMaxSubscriberCount()).isEqualTo(3);
        assertThat(created.getSettings().getNamedConsumerStrategy().isPinned()).isTrue();

        persistent.updateToStream(stream, "ops group", io.kurrent.dbclient.UpdatePersistentSubscriptionToStreamOptions.get()
                .maxRetryCount(7).messageTimeoutInMs(5_000).maxSubscriberCount(0)
                .namedConsumerStrategy(NamedConsumerStrategy.ROUND_ROBIN)).get();
        PersistentSubscriptionToStreamInfo updated = info(stream, "ops group");
        assertThat(updated.getSettings().getMaxRetryCount()).isEqualTo(7);
        assertThat(updated.getSettings().getMessageTimeoutMs()).isEqualTo(5_000);
        assertThat(updated.getSettings().getMaxSubscriberCount()).isZero();
        assertThat(updated.getSettings().getNamedConsumerStrategy().isRoundRobin()).isTrue();

        List<PersistentSubscriptionToStreamInfo> listed = persistent.listToStream(stream).get();
        assertThat(listed).extracting(PersistentSubscriptionInfo::getGroupName).containsExactly("ops group");
        assertThat(persistent.listAll().get()).anySatisfy(i -> {
            assertThat(i.getEventSource()).isEqualTo(stream);
            assertThat(i.getGroupName()).isEqualTo("ops group");
        });

        Received received = new Received();
        persistent.subscribeToStream(stream, "ops group", received).get();
        persistent.deleteToStream(stream, "ops group").get();
        assertThat(persistent.getInfoToStream(stream, "ops group").get()).isEmpty();
        // The member of the deleted group is told its subscription ended.
        eventually(() -> received.wasCancelled, cancelled -> cancelled);
        assertThatThrownBy(() -> persistent.deleteToStream(stream, "ops group").get())
                .cause().isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        // Created again, it starts afresh.
        persistent.createToStream(stream, "ops group", CreatePersistentSubscriptionToStreamOptions.get().fromStart()).get();
        assertThat(info(stream, "ops group").getStats().getTotalItems()).isZero();
        persistent.restartSubsystem().get(); // nothing to restart: answered OK
    }

    @Test
    void aSkippedEventIsNeitherRetriedNorParkedAndAStoppedMembersEventGoesToAnotherMember() throws Exception {
        String stream = stream("ps-stop");
        append(stream, 0, 3);
        persistent.createToStream(stream, "workers", CreatePersistentSubscriptionToStreamOptions.get().fromStart()
                .namedConsumerStrategy(NamedConsumerStrategy.DISPATCH_TO_SINGLE)).get();
        Received first = new Received();
        PersistentSubscription one = persistent.subscribeToStream(stream, "workers", first).get();
        Received.Event skipped = first.take();
        assertThat(skipped.n()).isZero();
        one.nack(NackAction.Skip, "not for us", skipped.event());
        Received.Event stopped = first.take();
        assertThat(stopped.n()).isEqualTo(1);
        Received second = new Received();
        PersistentSubscription two = persistent.subscribeToStream(stream, "workers", second).get();
        eventually(() -> info(stream, "workers").getConnections().size(), members -> members == 2);
        // Stop: the first member leaves (its call ends; the client ignores a call's normal end), and
        // what it held goes to the other member.
        one.nack(NackAction.Stop, "shutting down", stopped.event());
        for (int n = 1; n < 3; n++) {
            Received.Event event = second.take();
            assertThat(event.n()).isEqualTo(n);
            two.ack(event.event());
        }
        PersistentSubscriptionToStreamInfo info = eventually(() -> info(stream, "workers"),
                i -> i.getConnections().size() == 1 && i.getStats().getTotalInFlightMessages() == 0);
        assertThat(info.getStats().getParkedMessageCount()).isZero();
        assertThat(first.events).isEmpty();
        two.stop();
    }

    @Test
    void aStreamAndGroupTooLongForAGroupNameAreRefusedNamingTheLimit() {
        String stream = "s".repeat(120);
        assertThatThrownBy(() -> persistent.createToStream(stream, "group-name").get())
                .cause().isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("at most 128");
                });
        assertThat(server.http().store().subscriptions().groupNames()).noneMatch(name -> name.contains(stream));
    }
}
