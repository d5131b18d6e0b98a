package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real client threads hammering one server: no lost, duplicated or reordered acknowledgement. */
class ConcurrentClientsTest {
    private static final int CLIENTS = 8;
    private static final int EVENTS_PER_CLIENT = 100;

    @TempDir
    Path data;

    @Test
    void concurrentAppendsGetGaplessPositionsAndPerEntityVersions() throws Exception {
        try (TestServer server = new TestServer(data);
             ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            ConcurrentLinkedQueue<JsonNode> acks = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < EVENTS_PER_CLIENT; i++) {
                        // Half the clients share one hot entity, the others write their own.
                        String entity = client % 2 == 0 ? "hot" : "own-" + client;
                        TestServer.Response response = server.postJson("/api/v1/events",
                                EventApiTest.event("load.t", entity, "{\"client\":" + client + ",\"i\":" + i + "}"));
                        assertThat(response.status()).as(response.body()).isEqualTo(200);
                        acks.add(response.json());
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> client : clients) {
                client.get();
            }
            int total = CLIENTS * EVENTS_PER_CLIENT;
            assertThat(acks).hasSize(total);
            assertThat(acks.stream().map(a -> a.get("position").asLong()).sorted().toList())
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
            assertThat(acks.stream().map(a -> a.get("event_id").asText()).distinct().count()).isEqualTo(total);

            JsonNode hot = server.get("/api/v1/events/query?entity_id=hot&limit=10000").json();
            assertThat(hot.get("count").asInt()).isEqualTo(CLIENTS / 2 * EVENTS_PER_CLIENT);
            AtomicInteger expectedVersion = new AtomicInteger(1);
            hot.get("events").forEach(e -> assertThat(e.get("version").asInt()).isEqualTo(expectedVersion.getAndIncrement()));
            assertThat(EventApiTestSupport.stats(server).get("total_events").asLong()).isEqualTo(total);
        }
    }

    @Test
    void racingExpectedVersionsHaveExactlyOneWinner() throws Exception {
        try (TestServer server = new TestServer(data);
             ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            server.postJson("/api/v1/events", EventApiTest.event("race.start", "race", "{}"));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                statuses.add(pool.submit(() -> {
                    go.await();
                    return server.postJson("/api/v1/events", "{\"event_type\":\"race.won\",\"entity_id\":\"race\","
                            + "\"payload\":{\"by\":" + client + "},\"expected_version\":1}").status();
                }));
            }
            go.countDown();
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                results.add(status.get());
            }
            assertThat(results.stream().filter(s -> s == 200).count()).as(results.toString()).isEqualTo(1);
            assertThat(results.stream().filter(s -> s == 409).count()).isEqualTo(CLIENTS - 1);
        }
    }
}
