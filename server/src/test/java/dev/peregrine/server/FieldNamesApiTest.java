package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import dev.peregrine.store.NewEvent;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field names over HTTP: the store's limit on distinct names is a 422 naming it, and only stored
 * events add names, whatever refused a request.
 */
class FieldNamesApiTest {

    @TempDir
    Path data;

    private static String event(String entity, String payload) {
        return "{\"event_type\":\"t\",\"entity_id\":\"" + entity + "\",\"payload\":" + payload + "}";
    }

    private static int fieldNames(TestServer server) {
        return EventApiTestSupport.stats(server).get("field_names").asInt();
    }

    private static long totalEvents(TestServer server) {
        return EventApiTestSupport.stats(server).get("total_events").asLong();
    }

    @Test
    void theLimitIsExactAndRefusedWithA422ThatStoresNothing() {
        try (TestServer server = new TestServer(data, b -> b.maxFieldNames(6))) {
            TestServer.Response filled = server.postJson("/api/v1/events/batch", "{\"events\":["
                    + event("a", "{\"n1\":1,\"n2\":{\"n3\":[{\"n4\":true}]}}") + ","
                    + event("b", "{\"n5\":1,\"n6\":2}") + "]}");
            assertThat(filled.status()).as(filled.body()).isEqualTo(200);
            assertThat(fieldNames(server)).isEqualTo(6);

            TestServer.Response refused = server.postJson("/api/v1/events/batch", "{\"events\":["
                    + event("a", "{\"n1\":2}") + "," + event("c", "{\"n7\":1}") + "]}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            JsonNode body = refused.json();
            assertThat(body.get("error").asText()).isEqualTo(
                    "field name limit reached: the store holds 6 distinct field names, its limit (--max-field-names)");
            assertThat(body.get("field_names").asInt()).isEqualTo(6);
            assertThat(body.get("max_field_names").asInt()).isEqualTo(6);
            assertThat(totalEvents(server)).as("nothing of the batch stored").isEqualTo(2);

            TestServer.Response line = server.post("/api/v1/events/batch", "application/x-ndjson",
                    (event("a", "{\"n2\":1}") + "\n" + event("a", "{\"n8\":1}") + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(line.status()).as(line.body()).isEqualTo(422);
            assertThat(line.json().get("ingested").asLong()).isZero();

            assertThat(server.postJson("/api/v1/events", event("a", "{\"n6\":{\"n1\":null}}")).status())
                    .as("known names still work").isEqualTo(200);
            assertThat(totalEvents(server)).isEqualTo(3);

            server.restart();

            assertThat(fieldNames(server)).isEqualTo(6);
            assertThat(server.postJson("/api/v1/events", event("a", "{\"n9\":1}")).status()).isEqualTo(422);
            assertThat(server.postJson("/api/v1/events", event("a", "{\"n3\":1}")).status()).isEqualTo(200);
            assertThat(fieldNames(server)).isEqualTo(6);
        }
    }

    @Test
    void refusedRequestsAddNoFieldName() {
        try (TestServer server = new TestServer(data)) {
            String id = UUID.randomUUID().toString();
            String stored = "{\"event_type\":\"t\",\"entity_id\":\"a\",\"event_id\":\"" + id + "\",\"payload\":{\"kept\":1}}";
            assertThat(server.postJson("/api/v1/events", stored).status()).isEqualTo(200);
            int names = fieldNames(server);

            List<String[]> refused = List.of(
                    new String[] {"/api/v1/events", "{\"event_type\":\"t\",\"entity_id\":\"a\",\"payload\":{\"malformed\":1},"},
                    new String[] {"/api/v1/events/batch", "{\"events\":[" + event("a", "{\"batch0\":1}")
                            + ",{\"event_type\":\"t\",\"payload\":{\"batch1\":1}}]}"},
                    new String[] {"/api/v1/events", "{\"event_type\":\"$tombstone\",\"entity_id\":\"a\",\"payload\":{\"badtype\":1}}"},
                    new String[] {"/api/v1/events", "{\"event_type\":\"t\",\"entity_id\":\"a\",\"expected_version\":9,"
                            + "\"payload\":{\"conflict\":1}}"},
                    new String[] {"/api/v1/events", "{\"event_type\":\"t\",\"entity_id\":\"b\",\"event_id\":\"" + id
                            + "\",\"payload\":{\"duplicate\":1}}"},
                    new String[] {"/api/v1/events", "{\"event_type\":\"t\",\"entity_id\":\"" + "x".repeat(200)
                            + "\",\"payload\":{\"longid\":1}}"},
                    new String[] {"/api/v1/events", "{\"event_type\":\"t\",\"entity_id\":\"a\",\"payload\":{\"dup\":1,\"dup\":2}}"});
            for (String[] request : refused) {
                TestServer.Response response = server.postJson(request[0], request[1]);
                assertThat(response.status()).as(request[1] + " -> " + response.body()).isBetween(400, 499);
                assertThat(fieldNames(server)).as(request[1]).isEqualTo(names);
            }

            // NDJSON: the lines before a bad line are stored with their names; the bad line's are not.
            TestServer.Response ndjson = server.post("/api/v1/events/batch", "application/x-ndjson",
                    (event("a", "{\"line1\":1}") + "\n{\"event_type\":\"t\",\"payload\":{\"line2\":1}}\n"
                            + event("a", "{\"line3\":1}") + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(ndjson.status()).as(ndjson.body()).isEqualTo(400);
            assertThat(ndjson.json().get("ingested").asLong()).isEqualTo(1);
            assertThat(fieldNames(server)).isEqualTo(names + 1);
            assertThat(server.server().store().dictionary().names()).endsWith("line1").doesNotContain(
                    "malformed", "batch0", "batch1", "badtype", "conflict", "duplicate", "longid", "dup", "line2", "line3");
        }
    }

    /**
     * Parsing requests that each bring new keys must cost the same however many keys the store holds: no
     * per-request structure that is copied in proportion to the names seen (Jackson's key symbol table, which
     * the server's parser no longer uses, was one: about 230 KB copied per request once thousands of keys had
     * been seen). Counted in bytes allocated on this thread, not in time.
     */
    @Test
    void parsingARequestWithNewKeysCostsTheSameAtAnyDictionarySize() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FieldDictionary dictionary = FieldDictionary.create();
        ServerLimits limits = ServerLimits.defaults();
        EventRequestParser parser = new EventRequestParser(new Json(limits), dictionary, limits);
        int[] key = {0};
        java.util.concurrent.Callable<Long> bytesFor500Requests = () -> {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int r = 0; r < 500; r++) {
                StringBuilder body = new StringBuilder("{\"events\":[");
                for (int i = 0; i < 10; i++) {
                    body.append(i == 0 ? "" : ",").append(event("e", "{\"key" + key[0]++ + "\":1,\"fixed\":2}"));
                }
                byte[] bytes = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
                List<Record> payloads = new ArrayList<>();
                for (NewEvent e : parser.batch(bytes, 0, bytes.length)) {
                    payloads.add(e.payload());
                }
                dictionary.adopt(payloads); // as the store does when it writes them
            }
            return threads.getCurrentThreadAllocatedBytes() - before;
        };
        bytesFor500Requests.call(); // warm-up
        long early = bytesFor500Requests.call();
        for (int i = 0; i < 8; i++) {
            bytesFor500Requests.call();
        }
        long late = bytesFor500Requests.call();
        assertThat(dictionary.size()).isEqualTo(key[0] + 1);
        assertThat(late).as("bytes for 500 requests at %d names, against %d at 10,000", dictionary.size(), early)
                .isLessThan(early * 2 + 4_000_000);
        assertThat(late / 500).as("bytes per request of 10 events").isLessThan(60_000);
    }
}
