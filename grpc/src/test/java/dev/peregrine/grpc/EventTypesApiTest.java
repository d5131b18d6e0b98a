package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event types as KurrentDB applications name them ({@code OrderPlaced}, {@code $metadata},
 * {@code Order Placed}, any script): random valid types appended through the store, the HTTP API and
 * the official gRPC client, read back by every path (type query, entity query, stream reads,
 * {@code $all} filtered by type prefix and regex), again after a restart that reloads the type
 * index; invalid types refused by both faces, naming {@code event_type}.
 */
class EventTypesApiTest {
    private static final JsonFactory JSON = new JsonFactory();
    /** Characters a type may hold, beyond ASCII letters and digits: spaces, punctuation, other scripts, a pair. */
    private static final String[] EXTRA = {" ", "$", ".", "-", "_", "/", ":", "@", "#", "!", "?", "&", "%", "+",
        "=", "\"", "'", "\\", "<", ">", "{", "}", "[", "]", "é", "ü", "ß", "Ж", "Ω", "中", "文", "注", "é",
        "\u0301", "\u00A0", "😀", "🚀", "𝄞"};

    @TempDir
    Path data;

    @Test
    void randomValidTypesReadBackByEveryPathAndAfterARestart() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        String why = "seed " + seed + " (rerun with -Dseed=" + seed + ")";
        List<String> types = types(random);

        try (KurrentTestServer server = new KurrentTestServer(data)) {
            KurrentDBClient client = server.client();
            EventStore store = server.http().store();
            for (int i = 0; i < types.size(); i++) {
                String type = types.get(i);
                String[] posted = server.postJson("/api/v1/events", "{\"event_type\":" + jsonString(type)
                        + ",\"entity_id\":\"http-" + i + "\",\"payload\":{\"i\":" + i + "}}");
                assertThat(posted[0]).as(why + ", type '%s': %s", type, posted[1]).isEqualTo("200");
                client.appendToStream("grpc-" + i, EventData.builderAsJson(type,
                        ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)).build()).get();
                store.append(NewEvent.builder().eventType(type).entityId("store-" + i)
                        .payload(JsonCodec.defaults().parse(store.dictionary(), "{\"i\":" + i + "}")).build());
            }
            assertEveryPath(server, client, types, random, why);
        }
        // Reopened: the type index comes back from its checkpoint (or the log) with the same keys.
        try (KurrentTestServer server = new KurrentTestServer(data)) {
            assertEveryPath(server, server.client(), types, random, why + ", after a restart");
        }
    }

    @Test
    void invalidTypesAreRefusedByBothFacesNamingTheField() throws Exception {
        try (KurrentTestServer server = new KurrentTestServer(data)) {
            KurrentDBClient client = server.client();
            for (String bad : List.of("", "t".repeat(129), "bad\u0007type", "tab\tin", "$tombstone")) {
                String[] posted = server.postJson("/api/v1/events", "{\"event_type\":" + jsonString(bad)
                        + ",\"entity_id\":\"bad-http\",\"payload\":{}}");
                assertThat(posted[0]).as("'%s': %s", bad, posted[1]).isEqualTo("400");
                assertThat(error(posted[1])).as(bad).contains("event_type");
                if (!bad.isEmpty()) { // the client refuses an empty type itself
                    ExecutionException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                            ExecutionException.class, () -> client.appendToStream("bad-grpc",
                                    EventData.builderAsJson(bad, "{}".getBytes(StandardCharsets.UTF_8)).build()).get());
                    assertThat(refused).as(bad).isNotNull();
                    assertThat(refused.getCause()).isInstanceOf(StatusRuntimeException.class);
                    assertThat(((StatusRuntimeException) refused.getCause()).getStatus().getCode())
                            .isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(refused.getCause().getMessage()).as(bad).contains("event_type");
                }
            }
            // A type longer than 128 UTF-16 units but not than 128 characters is valid on both faces.
            String pairs = "😀".repeat(128);
            assertThat(server.postJson("/api/v1/events", "{\"event_type\":\"" + pairs
                    + "\",\"entity_id\":\"pairs\",\"payload\":{}}")[0]).isEqualTo("200");
            assertThat(server.postJson("/api/v1/events", "{\"event_type\":\"" + pairs + "😀"
                    + "\",\"entity_id\":\"pairs\",\"payload\":{}}")[0]).isEqualTo("400");
            assertThat(server.get("/api/v1/events/query?entity_id=bad-http")[1]).contains("\"count\":0");
            assertThat(eventTypes(server.get("/api/v1/events/query?entity_id=pairs")[1])).containsExactly(pairs);
        }
    }

    private static void assertEveryPath(KurrentTestServer server, KurrentDBClient client, List<String> types,
            Random random, String why) throws Exception {
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            String[] byType = server.get("/api/v1/events/query?event_type=" + query(type));
            assertThat(byType[0]).as(why).isEqualTo("200");
            assertThat(eventTypes(byType[1])).as(why + ", type '%s'", type).containsExactly(type, type, type);
            for (String entity : List.of("http-" + i, "grpc-" + i, "store-" + i)) {
                assertThat(eventTypes(server.get("/api/v1/events/query?entity_id=" + entity)[1]))
                        .as(why).containsExactly(type);
                List<RecordedEvent> read = client.readStream(entity, ReadStreamOptions.get()).get().getEvents()
                        .stream().map(ResolvedEvent::getOriginalEvent).toList();
                assertThat(read).extracting(RecordedEvent::getEventType).as(why).containsExactly(type);
            }
        }
        // $all by a type's regex (exact) and by a prefix that some types share.
        for (int n = 0; n < 3; n++) {
            String type = types.get(random.nextInt(types.size()));
            assertThat(allTypes(client, SubscriptionFilter.newBuilder()
                    .withEventTypeRegularExpression("^" + Pattern.quote(type) + "$").build()))
                    .as(why + ", regex for '%s'", type).containsExactly(type, type, type);
        }
        String prefix = "Order";
        List<String> expected = new ArrayList<>();
        for (String type : types) {
            if (type.startsWith(prefix)) {
                expected.addAll(List.of(type, type, type));
            }
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(6);
        assertThat(allTypes(client, SubscriptionFilter.newBuilder().addEventTypePrefix(prefix).build()))
                .as(why).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** The types of the events of a filtered subscription to {@code $all} from the start, until caught up. */
    private static List<String> allTypes(KurrentDBClient client, SubscriptionFilter filter) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch caughtUp = new CountDownLatch(1);
        Subscription subscription = client.subscribeToAll(new SubscriptionListener() {
            @Override
            public void onEvent(Subscription s, ResolvedEvent event) {
                seen.add(event.getOriginalEvent().getEventType());
            }

            @Override
            public void onCaughtUp(Subscription s, Instant timestamp, Long revision, Position position) {
                caughtUp.countDown();
            }
        }, SubscribeToAllOptions.get().fromStart().filter(filter)).get();
        assertThat(caughtUp.await(30, TimeUnit.SECONDS)).isTrue();
        subscription.stop();
        return seen;
    }

    /**
     * Fixed types as KurrentDB applications write them (some sharing the prefix {@code Order}), and
     * random ones: 1 to 128 characters of letters, digits, spaces, punctuation, other scripts.
     */
    private static List<String> types(Random random) {
        Set<String> types = new LinkedHashSet<>(List.of("OrderPlaced", "Order Placed", "OrderShipped", "$metadata",
                "$$$stream", "Commande passée", "注文済み", "😀 party", "order.placed", "a"));
        while (types.size() < 40) {
            int length = random.nextInt(4) == 0 ? 100 + random.nextInt(29) : 1 + random.nextInt(30);
            StringBuilder b = new StringBuilder(random.nextBoolean() ? "Order" : "");
            while (b.codePointCount(0, b.length()) < length) {
                int pick = random.nextInt(3);
                if (pick == 0) {
                    b.append(EXTRA[random.nextInt(EXTRA.length)]);
                } else {
                    String alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                    b.append(alnum.charAt(random.nextInt(alnum.length())));
                }
            }
            String type = b.toString();
            if (type.codePointCount(0, type.length()) <= 128 && !type.equals("$tombstone")) {
                types.add(type);
            }
        }
        return new ArrayList<>(types);
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String jsonString(String value) {
        StringBuilder b = new StringBuilder("\"");
        value.chars().forEach(c -> {
            if (c == '"' || c == '\\' || c < 0x20) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append((char) c);
            }
        });
        return b.append('"').toString();
    }

    /** Every {@code event_type} of a query response, in order. */
    private static List<String> eventTypes(String body) {
        List<String> types = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(body)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.FIELD_NAME && parser.currentName().equals("event_type")) {
                    parser.nextToken();
                    types.add(parser.getText());
                } else if (t == JsonToken.FIELD_NAME && parser.currentName().equals("payload")) {
                    parser.nextToken();
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return types;
    }

    private static String error(String body) {
        try (JsonParser parser = JSON.createParser(body)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.FIELD_NAME && parser.currentName().equals("error")) {
                    parser.nextToken();
                    return parser.getText();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "";
    }
}
