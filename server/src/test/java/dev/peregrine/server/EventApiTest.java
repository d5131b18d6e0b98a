package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every event endpoint, black-box, with AllSource Core's JSON field names. */
class EventApiTest extends SharedServer {
    /** RFC 3339 in UTC with fractional seconds, as every timestamp the API writes. */
    static final Pattern RFC3339_UTC = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z");

    static String event(String type, String entity, String payload) {
        return "{\"event_type\":\"" + type + "\",\"entity_id\":\"" + entity + "\",\"payload\":" + payload + "}";
    }

    static JsonNode ingest(String type, String entity, String payload) {
        TestServer.Response response = server.postJson("/api/v1/events", event(type, entity, payload));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void ingestAnswersIdTimestampPositionVersion() {
        JsonNode first = ingest("user.created", "user-ack", "{\"name\":\"Alice\"}");
        assertThat(EventApiTestSupport.names(first)).containsExactlyInAnyOrder("event_id", "timestamp", "position", "version");
        assertThat(UUID.fromString(first.get("event_id").asText())).isNotNull();
        assertThat(first.get("timestamp").asText()).matches(RFC3339_UTC);
        assertThat(first.get("version").asLong()).isEqualTo(1);
        JsonNode second = ingest("user.renamed", "user-ack", "{\"name\":\"Alicia\"}");
        assertThat(second.get("version").asLong()).isEqualTo(2);
        assertThat(second.get("position").asLong()).isGreaterThan(first.get("position").asLong());
    }

    @Test
    void getEventByIdReturnsTheFullEvent() {
        String body = "{\"event_type\":\"order.placed\",\"entity_id\":\"order-1\",\"tenant_id\":\"acme\","
                + "\"payload\":{\"total\":12.5,\"items\":[1,2,3],\"big\":9007199254740993,\"text\":\"h\\u00e9llo \\ud83d\\ude00\"},"
                + "\"metadata\":{\"source\":\"test\"}}";
        TestServer.Response ack = server.postJson("/api/v1/events", body);
        assertThat(ack.status()).as(ack.body()).isEqualTo(200);
        String id = ack.json().get("event_id").asText();

        TestServer.Response response = server.get("/api/v1/events/" + id);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode event = response.json();
        assertThat(EventApiTestSupport.names(event)).containsExactlyInAnyOrder(
                "id", "event_type", "entity_id", "tenant_id", "payload", "timestamp", "metadata", "version", "position");
        assertThat(event.get("id").asText()).isEqualTo(id);
        assertThat(event.get("event_type").asText()).isEqualTo("order.placed");
        assertThat(event.get("entity_id").asText()).isEqualTo("order-1");
        assertThat(event.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(event.get("payload").get("total").asDouble()).isEqualTo(12.5);
        assertThat(event.get("payload").get("big").asLong()).isEqualTo(9007199254740993L);
        assertThat(event.get("payload").get("text").asText()).isEqualTo("héllo \uD83D\uDE00");
        assertThat(event.get("payload").get("items").size()).isEqualTo(3);
        assertThat(event.get("metadata").get("source").asText()).isEqualTo("test");
        assertThat(event.get("timestamp").asText()).isEqualTo(ack.json().get("timestamp").asText());
        assertThat(event.get("position").asLong()).isEqualTo(ack.json().get("position").asLong());
    }

    @Test
    void eventWithoutTenantOrMetadataHasDefaults() {
        String id = ingest("user.created", "user-defaults", "{}").get("event_id").asText();
        JsonNode event = server.get("/api/v1/events/" + id).json();
        assertThat(event.get("tenant_id").asText()).isEqualTo("default");
        assertThat(event.get("metadata").isNull()).isTrue();
    }

    @Test
    void unknownEventIdIs404AndMalformedIdIs400() {
        TestServer.Response missing = server.get("/api/v1/events/" + UUID.randomUUID());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).isNotBlank();
        TestServer.Response malformed = server.get("/api/v1/events/not-a-uuid");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("error").asText()).contains("not a UUID");
    }

    @Test
    void clientEventIdIsIdempotent() {
        String id = UUID.randomUUID().toString();
        String body = "{\"event_id\":\"" + id + "\",\"event_type\":\"t.x\",\"entity_id\":\"idem-1\",\"payload\":{\"a\":1}}";
        JsonNode first = server.postJson("/api/v1/events", body).json();
        TestServer.Response again = server.postJson("/api/v1/events", body);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("event_id").asText()).isEqualTo(id);
        assertThat(again.json().get("position").asLong()).isEqualTo(first.get("position").asLong());
        assertThat(server.get("/api/v1/events/query?entity_id=idem-1").json().get("count").asInt()).isEqualTo(1);
    }

    @Test
    void expectedVersionConflictIs409WithTheActualVersion() {
        ingest("acct.opened", "acct-1", "{\"balance\":0}");
        ingest("acct.credited", "acct-1", "{\"balance\":10}");
        String stale = "{\"event_type\":\"acct.debited\",\"entity_id\":\"acct-1\",\"payload\":{\"balance\":5},\"expected_version\":1}";
        TestServer.Response conflict = server.postJson("/api/v1/events", stale);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("error").asText()).contains("2");
        assertThat(conflict.json().get("actual_version").asLong()).isEqualTo(2);
        String fresh = stale.replace("\"expected_version\":1", "\"expected_version\":2");
        TestServer.Response accepted = server.postJson("/api/v1/events", fresh);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.json().get("version").asLong()).isEqualTo(3);
        TestServer.Response noStream = server.postJson("/api/v1/events",
                stale.replace("\"expected_version\":1", "\"expected_version\":\"no_stream\""));
        assertThat(noStream.status()).isEqualTo(409);
    }

    @Test
    void batchIsAtomicAndAnswersEveryEvent() {
        String batch = "{\"events\":[" + event("b.one", "batch-1", "{\"i\":1}") + "," + event("b.two", "batch-2", "{\"i\":2}")
                + "," + event("b.three", "batch-1", "{\"i\":3}") + "]}";
        TestServer.Response response = server.postJson("/api/v1/events/batch", batch);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("total").asInt()).isEqualTo(3);
        assertThat(body.get("ingested").asInt()).isEqualTo(3);
        assertThat(body.get("events").size()).isEqualTo(3);
        assertThat(body.get("events").get(2).get("version").asLong()).isEqualTo(2);
        assertThat(EventApiTestSupport.names(body.get("events").get(0)))
                .containsExactlyInAnyOrder("event_id", "timestamp", "position", "version");

        // One conflicting event fails the whole batch: nothing of it is stored.
        long before = stats().get("total_events").asLong();
        String conflicting = "{\"events\":[" + event("b.four", "batch-3", "{}") + ","
                + "{\"event_type\":\"b.five\",\"entity_id\":\"batch-1\",\"payload\":{},\"expected_version\":0}]}";
        TestServer.Response refused = server.postJson("/api/v1/events/batch", conflicting);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(stats().get("total_events").asLong()).isEqualTo(before);
        assertThat(server.get("/api/v1/events/query?entity_id=batch-3").json().get("count").asInt()).isZero();
    }

    @Test
    void bareArrayBatchIsAccepted() {
        TestServer.Response response = server.postJson("/api/v1/events/batch",
                "[" + event("arr.one", "arr-1", "{}") + "]");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("ingested").asInt()).isEqualTo(1);
    }

    @Test
    void queryFiltersByEntityTypeAndTenantInAscendingOrder() {
        for (int i = 0; i < 5; i++) {
            ingest(i % 2 == 0 ? "q.even" : "q.odd", "q-entity", "{\"i\":" + i + "}");
        }
        JsonNode byEntity = server.get("/api/v1/events/query?entity_id=q-entity").json();
        assertThat(byEntity.get("count").asInt()).isEqualTo(5);
        assertThat(byEntity.get("next_cursor").isNull()).isTrue();
        List<Long> positions = new ArrayList<>();
        byEntity.get("events").forEach(e -> positions.add(e.get("position").asLong()));
        assertThat(positions).isSorted();
        JsonNode both = server.get("/api/v1/events/query?entity_id=q-entity&event_type=q.even&unknown_param=1").json();
        assertThat(both.get("count").asInt()).isEqualTo(3);
        both.get("events").forEach(e -> assertThat(e.get("event_type").asText()).isEqualTo("q.even"));
        assertThat(server.get("/api/v1/events/query?entity_id=q-entity&tenant_id=nobody").json().get("count").asInt())
                .isZero();
    }

    @Test
    void cursorPagesThroughEveryEventOnce() {
        for (int i = 0; i < 7; i++) {
            ingest("page.t", "pager", "{\"i\":" + i + "}");
        }
        List<Integer> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String url = "/api/v1/events/query?entity_id=pager&limit=3" + (cursor == null ? "" : "&cursor=" + encode(cursor));
            JsonNode page = server.get(url).json();
            page.get("events").forEach(e -> seen.add(e.get("payload").get("i").asInt()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void offsetSkipsTheFirstMatches() {
        for (int i = 0; i < 5; i++) {
            ingest("off.t", "offsetter", "{\"i\":" + i + "}");
        }
        JsonNode page = server.get("/api/v1/events/query?entity_id=offsetter&offset=2&limit=2").json();
        assertThat(page.get("count").asInt()).isEqualTo(2);
        assertThat(page.get("events").get(0).get("payload").get("i").asInt()).isEqualTo(2);
        assertThat(page.get("events").get(1).get("payload").get("i").asInt()).isEqualTo(3);
        JsonNode rest = server.get("/api/v1/events/query?entity_id=offsetter&limit=10&cursor="
                + page.get("next_cursor").asText()).json();
        assertThat(rest.get("count").asInt()).as("the cursor continues after the last event shown").isEqualTo(1);
        assertThat(rest.get("events").get(0).get("payload").get("i").asInt()).isEqualTo(4);
        JsonNode beyond = server.get("/api/v1/events/query?entity_id=offsetter&offset=5").json();
        assertThat(beyond.get("count").asInt()).isZero();
        assertThat(beyond.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void timeParametersAcceptAnyOffset() throws InterruptedException {
        ingest("time.t", "timed", "{\"n\":1}");
        Instant between = Instant.parse(ingest("time.t", "timed", "{\"n\":2}").get("timestamp").asText());
        Thread.sleep(5);
        ingest("time.t", "timed", "{\"n\":3}");
        String inPlusTwo = OffsetDateTime.ofInstant(between, ZoneOffset.ofHours(2)).toString();
        JsonNode since = server.get("/api/v1/events/query?entity_id=timed&since=" + encode(inPlusTwo)).json();
        assertThat(since.get("count").asInt()).isEqualTo(2);
        JsonNode asOf = server.get("/api/v1/events/query?entity_id=timed&as_of=" + encode(between.toString())).json();
        assertThat(asOf.get("count").asInt()).isEqualTo(2);
        JsonNode until = server.get("/api/v1/events/query?entity_id=timed&until="
                + encode(OffsetDateTime.ofInstant(between, ZoneOffset.ofHours(-5)).toString())).json();
        assertThat(until.get("count").asInt()).isEqualTo(2);
    }

    @Test
    void fromPositionStartsThere() {
        long position = ingest("fp.t", "from-pos", "{}").get("position").asLong();
        ingest("fp.t", "from-pos", "{}");
        JsonNode page = server.get("/api/v1/events/query?entity_id=from-pos&from_position=" + (position + 1)).json();
        assertThat(page.get("count").asInt()).isEqualTo(1);
        assertThat(page.get("events").get(0).get("position").asLong()).isGreaterThan(position);
    }

    @Test
    void stateFoldsWithMergePatchAndListsHistory() {
        ingest("profile.created", "profile-1", "{\"name\":\"Ann\",\"address\":{\"city\":\"Oslo\",\"zip\":\"0150\"},\"tmp\":1}");
        String asOf = ingest("profile.moved", "profile-1", "{\"address\":{\"city\":\"Bergen\"},\"tmp\":null}")
                .get("timestamp").asText();
        ingest("profile.renamed", "profile-1", "{\"name\":\"Anna\"}");

        JsonNode state = server.get("/api/v1/entities/profile-1/state").json();
        assertThat(state.get("entity_id").asText()).isEqualTo("profile-1");
        assertThat(state.get("event_count").asLong()).isEqualTo(3);
        assertThat(state.get("last_updated").asText()).matches(RFC3339_UTC);
        assertThat(state.get("as_of").isNull()).isTrue();
        JsonNode current = state.get("current_state");
        assertThat(current.get("name").asText()).isEqualTo("Anna");
        assertThat(current.get("address").get("city").asText()).isEqualTo("Bergen");
        assertThat(current.get("address").get("zip").asText()).isEqualTo("0150");
        assertThat(current.has("tmp")).isFalse();
        assertThat(state.get("history").size()).isEqualTo(3);
        assertThat(EventApiTestSupport.names(state.get("history").get(0)))
                .containsExactlyInAnyOrder("event_id", "type", "timestamp", "payload");
        assertThat(state.get("history").get(2).get("type").asText()).isEqualTo("profile.renamed");

        JsonNode past = server.get("/api/v1/entities/profile-1/state?as_of=" + encode(asOf)).json();
        assertThat(past.get("event_count").asLong()).isEqualTo(2);
        assertThat(past.get("current_state").get("name").asText()).isEqualTo("Ann");
        assertThat(past.get("as_of").asText()).matches(RFC3339_UTC);
        assertThat(past.get("history").size()).isEqualTo(2);
    }

    @Test
    void stateOfUnknownEntityIs404() {
        TestServer.Response response = server.get("/api/v1/entities/nobody-here/state");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").asText()).contains("nobody-here");
    }

    @Test
    void entityIdsWithReservedCharactersArePercentDecoded() {
        ingest("odd.id", "a/b c+d", "{\"x\":1}");
        JsonNode state = server.get("/api/v1/entities/" + "a%2Fb%20c%2Bd" + "/state").json();
        assertThat(state.get("entity_id").asText()).isEqualTo("a/b c+d");
    }

    @Test
    void deleteTombstonesTheEntity() {
        ingest("doomed.created", "doomed-1", "{\"x\":1}");
        TestServer.Response deleted = server.delete("/api/v1/entities/doomed-1");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("entity_id").asText()).isEqualTo("doomed-1");
        assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
        assertThat(server.get("/api/v1/events/query?entity_id=doomed-1").json().get("count").asInt()).isZero();
        TestServer.Response gone = server.get("/api/v1/entities/doomed-1/state");
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.json().get("error").asText()).contains("doomed-1");
        TestServer.Response append = server.postJson("/api/v1/events", event("doomed.again", "doomed-1", "{}"));
        assertThat(append.status()).isEqualTo(410);
        TestServer.Response recreated = server.postJson("/api/v1/events",
                "{\"event_type\":\"doomed.reborn\",\"entity_id\":\"doomed-1\",\"payload\":{},\"expected_version\":\"no_stream\"}");
        assertThat(recreated.status()).as(recreated.body()).isEqualTo(200);
        assertThat(recreated.json().get("version").asLong()).isEqualTo(1);
        assertThat(server.delete("/api/v1/entities/never-existed").status()).isEqualTo(404);
    }

    @Test
    void statsCountEventsEntitiesAndTypes() {
        JsonNode before = stats();
        assertThat(EventApiTestSupport.names(before)).contains("total_events", "total_entities", "total_event_types", "total_ingested");
        ingest("stats.brand-new-type", "stats-new-entity", "{}");
        JsonNode after = stats();
        assertThat(after.get("total_events").asLong()).isEqualTo(before.get("total_events").asLong() + 1);
        assertThat(after.get("total_entities").asLong()).isEqualTo(before.get("total_entities").asLong() + 1);
        assertThat(after.get("total_event_types").asLong()).isEqualTo(before.get("total_event_types").asLong() + 1);
        assertThat(after.get("total_ingested").asLong()).isEqualTo(before.get("total_ingested").asLong() + 1);
    }

    @Test
    void snapshotsAreCreatedAndRead() {
        ingest("snap.created", "snap-1", "{\"a\":1}");
        ingest("snap.updated", "snap-1", "{\"b\":2}");
        TestServer.Response created = server.postJson("/api/v1/snapshots", "{\"entity_id\":\"snap-1\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("version").asLong()).isEqualTo(2);
        JsonNode latest = server.get("/api/v1/snapshots/snap-1/latest").json();
        assertThat(latest.get("entity_id").asText()).isEqualTo("snap-1");
        assertThat(latest.get("state").get("a").asInt()).isEqualTo(1);
        assertThat(latest.get("state").get("b").asInt()).isEqualTo(2);
        assertThat(server.get("/api/v1/snapshots/no-snap/latest").status()).isEqualTo(404);
        assertThat(server.postJson("/api/v1/snapshots", "{\"entity_id\":\"never-seen\"}").status()).isEqualTo(404);
        assertThat(server.postJson("/api/v1/snapshots", "{}").status()).isEqualTo(400);
    }

    @Test
    void projectionsAreListedAndRead() {
        ingest("proj.created", "proj-1", "{\"a\":1}");
        JsonNode list = server.get("/api/v1/projections").json();
        List<String> names = new ArrayList<>();
        list.get("projections").forEach(p -> names.add(p.get("name").asText()));
        assertThat(names).contains("entity_snapshots");
        TestServer.Response snapshot = awaitProjection("/api/v1/entities/proj-1/snapshot");
        assertThat(snapshot.json().get("from_projection").asText()).isEqualTo("entity_snapshots");
        assertThat(snapshot.json().get("snapshot").get("a").asInt()).isEqualTo(1);
        TestServer.Response state = awaitProjection("/api/v1/projections/entity_snapshots/proj-1");
        assertThat(state.json().get("state").get("a").asInt()).isEqualTo(1);
        assertThat(server.get("/api/v1/projections/no_such_projection/proj-1").status()).isEqualTo(404);
    }

    /** Projections are fed asynchronously, in log order: poll until the event has reached them. */
    private static TestServer.Response awaitProjection(String path) {
        TestServer.Response response = server.get(path);
        for (int i = 0; i < 200 && response.status() == 404; i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            response = server.get(path);
        }
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response;
    }

    static JsonNode stats() {
        return EventApiTestSupport.stats(server);
    }
}
