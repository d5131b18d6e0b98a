package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.CreateReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.PersistentSubscriptionsGrpc;
import io.kurrent.dbclient.proto.shared.Shared;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Filtered persistent subscriptions to {@code $all}, consumed through the official client: by event
 * type regex and prefix and by stream-name regex, each delivering exactly the events the filter
 * accepts (every stream in order), on a consumer group whose filter the HTTP API shows; a malformed
 * filter is refused.
 */
class PersistentAllFiltersApiTest extends SharedServerTest {
    private static KurrentDBPersistentSubscriptionsClient persistent;

    @BeforeAll
    static void persistentClient() {
        persistent = KurrentDBPersistentSubscriptionsClient.from(client);
    }

    private static EventData event(String type, String json) {
        return EventData.builderAsJson(type, json.getBytes(StandardCharsets.UTF_8)).build();
    }

    /**
     * Appends random events of random types to {@code streams}, then one of {@code sentinelType} to
     * each, and returns what a filter accepting {@code wanted} must deliver, per stream in order.
     */
    private static Map<String, List<String>> appendRandomly(Random random, List<String> streams, List<String> types,
            java.util.function.BiPredicate<String, String> wanted, String sentinelType) throws Exception {
        Map<String, List<String>> expected = new HashMap<>();
        for (int n = 0; n < 200; n++) {
            String stream = streams.get(random.nextInt(streams.size()));
            String type = types.get(random.nextInt(types.size()));
            String json = "{\"n\":" + n + "}";
            client.appendToStream(stream, event(type, json)).get();
            if (wanted.test(stream, type)) {
                expected.computeIfAbsent(stream, s -> new ArrayList<>()).add(json);
            }
        }
        for (String stream : streams) {
            client.appendToStream(stream, event(sentinelType, "{\"end\":true}")).get();
            if (wanted.test(stream, sentinelType)) {
                expected.computeIfAbsent(stream, s -> new ArrayList<>()).add("{\"end\":true}");
            }
        }
        return expected;
    }

    /** What the subscription delivers per stream until it has delivered {@code count} events, acking each. */
    private static Map<String, List<String>> receive(String group, int count) throws Exception {
        PersistentSubscriptionsApiTest.Received received = new PersistentSubscriptionsApiTest.Received();
        PersistentSubscription subscription = persistent.subscribeToAll(group,
                SubscribePersistentSubscriptionOptions.get().bufferSize(32), received).get();
        Map<String, List<String>> delivered = new HashMap<>();
        for (int i = 0; i < count; i++) {
            var event = received.take().event();
            delivered.computeIfAbsent(event.getEvent().getStreamId(), s -> new ArrayList<>())
                    .add(new String(event.getEvent().getEventData(), StandardCharsets.UTF_8));
            subscription.ack(event);
        }
        subscription.stop();
        return delivered;
    }

    private static int total(Map<String, List<String>> perStream) {
        return perStream.values().stream().mapToInt(List::size).sum();
    }

    @Test
    void anEventTypeRegexFilterDeliversExactlyTheTypesItMatches() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "Order " + tag;
        String group = "types-" + tag;
        // The Java client 1.1.0 sends a persistent subscription's prefix as its regex, unanchored
        // (a prefix "Order" would also match "$Order"): an anchored regex says what is meant.
        persistent.createToAll(group, CreatePersistentSubscriptionToAllOptions.get().fromEnd()
                .filter(SubscriptionFilter.newBuilder().withEventTypeRegularExpression("^" + prefix).build())).get();
        Map<String, List<String>> expected = appendRandomly(random, streams("psf-type-" + tag), types(prefix, tag),
                (stream, type) -> type.startsWith(prefix), prefix + " End");
        assertThat(receive(group, total(expected))).as("seed " + seed).isEqualTo(expected);
        // The group's filter, as the HTTP API shows it.
        String[] shown = server.get("/api/v1/consumer-groups/kdb...24all.." + group);
        assertThat(shown[0]).isEqualTo("200");
        assertThat(shown[1]).contains("\"event_type_regex\":\"^" + prefix + "\"");
        persistent.deleteToAll(group).get();
    }

    @Test
    void anEventTypePrefixSentAsAPrefixDeliversExactlyTheTypesThatStartWithIt() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "Order " + tag;
        String group = "prefixes-" + tag;
        // As KurrentDB's other clients send it: the generated stub, the prefix in its own field.
        create(group, CreateReq.AllOptions.FilterOptions.newBuilder().setEventType(
                CreateReq.AllOptions.FilterOptions.Expression.newBuilder().addPrefix(prefix).addPrefix("Unused" + tag)));
        Map<String, List<String>> expected = appendRandomly(random, streams("psf-prefix-" + tag), types(prefix, tag),
                (stream, type) -> type.startsWith(prefix), prefix + " End");
        assertThat(receive(group, total(expected))).as("seed " + seed).isEqualTo(expected);
        assertThat(server.get("/api/v1/consumer-groups/kdb...24all.." + group)[1])
                .contains("\"event_type_prefixes\":[\"" + prefix + "\",\"Unused" + tag + "\"]");
        persistent.deleteToAll(group).get();
    }

    @Test
    void aMalformedRegexOrAnEmptyFilterIsRefusedAndNoGroupIsMade() {
        String group = "bad-" + UUID.randomUUID();
        assertThatThrownBy(() -> create(group, CreateReq.AllOptions.FilterOptions.newBuilder().setEventType(
                CreateReq.AllOptions.FilterOptions.Expression.newBuilder().setRegex("(unclosed"))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("event_type_regex");
                });
        assertThatThrownBy(() -> create(group, CreateReq.AllOptions.FilterOptions.newBuilder().setStreamIdentifier(
                CreateReq.AllOptions.FilterOptions.Expression.newBuilder())))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(server.http().store().subscriptions().groupNames()).noneMatch(name -> name.endsWith(group));
    }

    /** Creates a subscription to {@code $all} from the end with {@code filter}, by the generated stub. */
    private static void create(String group, CreateReq.AllOptions.FilterOptions.Builder filter) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        try {
            PersistentSubscriptionsGrpc.newBlockingStub(channel).create(CreateReq.newBuilder().setOptions(
                    CreateReq.Options.newBuilder().setGroupName(group)
                            .setAll(CreateReq.AllOptions.newBuilder().setEnd(Shared.Empty.getDefaultInstance())
                                    .setFilter(filter.setCount(Shared.Empty.getDefaultInstance())))
                            .setSettings(CreateReq.Settings.newBuilder().setMaxRetryCount(10)
                                    .setMessageTimeoutMs(30_000).setConsumerStrategy("RoundRobin"))).build());
        } finally {
            channel.shutdownNow();
        }
    }

    private static List<String> streams(String prefix) {
        return List.of(prefix + "-a", prefix + "-b", prefix + "-c");
    }

    /** Types starting with {@code prefix}, and others that differ in case, lead or word only. */
    private static List<String> types(String prefix, String tag) {
        return List.of(prefix + " Placed", prefix + "Shipped", "order " + tag + " placed", "Other" + tag, "$" + prefix);
    }

    @Test
    void aStreamNameRegexFilterDeliversExactlyTheStreamsItMatches() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        List<String> streams = List.of("psf-re-" + tag + "-a", "psf-re-" + tag + "-b", "psf-re-" + tag + "-c",
                "psf-re-" + tag + "-ab");
        String regex = "^psf-re-" + tag + "-(a|c)$";
        String group = "streams-" + tag;
        persistent.createToAll(group, CreatePersistentSubscriptionToAllOptions.get().fromStart()
                .filter(SubscriptionFilter.newBuilder().withStreamNameRegularExpression(regex).build())).get();
        Map<String, List<String>> expected = appendRandomly(random, streams, List.of("x.happened", "Y Happened"),
                (stream, type) -> stream.matches(regex), "z.end");
        assertThat(expected.keySet()).containsExactlyInAnyOrder(streams.get(0), streams.get(2));
        assertThat(receive(group, total(expected))).as("seed " + seed).isEqualTo(expected);
        persistent.deleteToAll(group).get();
    }
}
