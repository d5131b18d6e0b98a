package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.NackAction;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer-group endpoints over real HTTP: create with settings, info that follows what members
 * do (members consume through the store's API, as embedded code and the gRPC face do), parked pages,
 * replay, update, restart, delete; bad input as a 4xx naming the problem, with nothing created; and
 * tenant-bound credentials that see and change only their own tenant's groups and events.
 */
class ConsumerGroupApiTest {
    private static final String GROUPS = "/api/v1/consumer-groups";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    @Test
    void lifecycleInfoFollowsTheMembersParkedPagesReplayUpdateAndRestart() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (TestServer server = new TestServer(data, config -> config.durability("none"))) {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                batch.add(EventApiTest.event("order.placed", "ord-" + random.nextInt(6), "{\"i\":" + i + "}"));
            }
            TestServer.Response appended = server.postJson("/api/v1/events/batch", "[" + String.join(",", batch) + "]");
            assertThat(appended.status()).as(appended.body()).isEqualTo(200);
            TestServer.Response created = server.postJson(GROUPS, "{\"name\":\"billing\",\"max_attempts\":2,"
                    + "\"ack_timeout_ms\":60000,\"strategy\":\"pinned\",\"max_in_flight\":32}");
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            JsonNode info = created.json();
            assertThat(info.get("name").asText()).isEqualTo("billing");
            assertThat(info.at("/settings/strategy").asText()).isEqualTo("pinned");
            assertThat(info.at("/settings/max_attempts").asInt()).isEqualTo(2);
            assertThat(info.at("/settings/ack_timeout_ms").asLong()).isEqualTo(60_000);
            assertThat(info.at("/settings/start").asLong()).isEqualTo(1);
            assertThat(info.get("checkpoint").asLong()).isZero();
            assertThat(info.get("head_position").asLong()).isEqualTo(60);
            assertThat(info.get("lag").asLong()).isEqualTo(60);
            TestServer.Response tail = server.postJson(GROUPS, "{\"name\":\"tail\",\"start\":\"end\"}");
            assertThat(tail.json().get("checkpoint").asLong()).isEqualTo(60);
            assertThat(tail.json().at("/settings/start").asText()).isEqualTo("end");
            TestServer.Response one = server.postJson(GROUPS, "{\"name\":\"one\",\"entity_id\":\"ord-1\","
                    + "\"event_types\":[\"order.placed\"]}");
            assertThat(one.json().at("/filter/entity_id").asText()).isEqualTo("ord-1");
            assertThat(one.json().at("/filter/event_types/0").asText()).isEqualTo("order.placed");

            // A member consumes: acks most, parks some, holds two unsettled.
            ConsumerGroup billing = server.server().store().subscriptions().findGroup("billing").orElseThrow();
            GroupMember worker = billing.join("worker-1");
            TreeSet<Long> parked = new TreeSet<>();
            List<Delivery> held = new ArrayList<>();
            int acked = 0;
            for (int i = 0; i < 40; i++) {
                Delivery d = worker.poll(WAIT).orElseThrow();
                int fate = random.nextInt(10);
                if (i >= 38) {
                    held.add(d); // the last two stay unsettled (earlier, they could hold back too much)
                } else if (fate < 3 || i % 10 == 5) {
                    parked.add(d.event().position());
                    d.nack(NackAction.PARK, "rejected by test");
                } else {
                    acked++;
                    d.ack();
                }
            }
            JsonNode now = server.get(GROUPS + "/billing").json();
            String context = "seed " + seed + ": " + now;
            assertThat(now.get("members")).as(context).hasSize(1);
            JsonNode member = now.get("members").get(0);
            assertThat(member.get("id").asText()).isEqualTo("worker-1");
            assertThat(member.get("joined_at").asText()).endsWith("Z");
            assertThat(member.get("in_flight").asInt()).as(context).isEqualTo(held.size());
            assertThat(member.get("acked").asInt()).as(context).isEqualTo(acked);
            assertThat(member.get("nacked").asInt()).as(context).isEqualTo(parked.size());
            assertThat(now.get("in_flight").asInt()).isEqualTo(held.size());
            assertThat(now.get("parked").asInt()).isEqualTo(parked.size());
            assertThat(now.get("delivered").asLong()).as(context).isEqualTo(40);
            assertThat(now.get("acked").asLong() + now.get("nacked").asLong() + now.get("in_flight").asLong())
                    .as(context).isEqualTo(now.get("delivered").asLong());
            assertThat(now.get("lag").asLong()).isEqualTo(60 - now.get("checkpoint").asLong());

            JsonNode list = server.get(GROUPS).json();
            assertThat(list.get("count").asInt()).isEqualTo(3);
            assertThat(names(list)).containsExactly("billing", "one", "tail");

            // Parked, one page at a time, by position.
            List<Long> pages = new ArrayList<>();
            String next = GROUPS + "/billing/parked?limit=2";
            while (next != null) {
                JsonNode page = server.get(next).json();
                assertThat(page.get("total").asInt()).isEqualTo(parked.size());
                page.get("parked").forEach(p -> {
                    pages.add(p.get("position").asLong());
                    assertThat(p.get("reason").asText()).isEqualTo("rejected by test");
                    assertThat(p.get("attempts").asInt()).isEqualTo(1);
                    assertThat(p.get("entity_id").asText()).startsWith("ord-");
                });
                next = page.get("next_after_position").isNull() ? null
                        : GROUPS + "/billing/parked?limit=2&after_position=" + page.get("next_after_position").asLong();
            }
            assertThat(pages).as(context).containsExactlyElementsOf(parked);

            // Replay the oldest one; the member gets it first among what comes; acked, it leaves the lot.
            for (Delivery d : held) {
                d.ack();
            }
            while (billing.acknowledgedPosition() < 60) {
                Delivery d = worker.poll(WAIT).orElseThrow();
                assertThat(parked).doesNotContain(d.event().position());
                d.ack();
            }
            assertThat(parked).as("the test parks a few; seed %d", seed).hasSizeGreaterThan(1);
            TestServer.Response replayed = server.post(GROUPS + "/billing/parked/replay?limit=1", null, new byte[0]);
            assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
            assertThat(replayed.json().get("replayed").asInt()).isEqualTo(1);
            Delivery again = worker.poll(WAIT).orElseThrow();
            assertThat(again.event().position()).isEqualTo(parked.first());
            again.ack();
            assertThat(server.get(GROUPS + "/billing").json().get("parked").asInt()).isEqualTo(parked.size() - 1);
            TestServer.Response missing = server.post(GROUPS + "/billing/parked/replay?position=" + parked.first(),
                    null, new byte[0]);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().get("error").asText()).contains("no parked event at position");

            TestServer.Response patched = server.send(HttpRequest.newBuilder(server.uri(GROUPS + "/billing"))
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"max_attempts\":7,\"strategy\":\"round_robin\"}")));
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            assertThat(patched.json().at("/settings/max_attempts").asInt()).isEqualTo(7);
            assertThat(patched.json().at("/settings/max_in_flight").asInt()).as("unchanged").isEqualTo(32);
            worker.close();

            server.restart();
            JsonNode reopened = server.get(GROUPS + "/billing").json();
            assertThat(reopened.at("/settings/max_attempts").asInt()).isEqualTo(7);
            assertThat(reopened.at("/settings/strategy").asText()).isEqualTo("round_robin");
            assertThat(reopened.get("parked").asInt()).isEqualTo(parked.size() - 1);
            assertThat(reopened.get("checkpoint").asLong()).isEqualTo(60);
            assertThat(reopened.get("members")).isEmpty();
            TestServer.Response all = server.post(GROUPS + "/billing/parked/replay", null, new byte[0]);
            assertThat(all.json().get("replayed").asInt()).isEqualTo(parked.size() - 1);
            assertThat(server.get(GROUPS + "/billing").json().get("replaying").asInt()).isEqualTo(parked.size() - 1);

            TestServer.Response deleted = server.delete(GROUPS + "/billing");
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
            assertThat(server.get(GROUPS + "/billing").status()).isEqualTo(404);
            assertThat(server.delete(GROUPS + "/billing").status()).isEqualTo(404);
            assertThat(Files.exists(data.resolve("subscriptions").resolve("billing.group"))).isFalse();
            assertThat(names(server.get(GROUPS).json())).containsExactly("one", "tail");
        }
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.get("groups").forEach(g -> names.add(g.get("name").asText()));
        return names;
    }

    @Test
    void badInputIsAClear4xxAndCreatesNothing() throws Exception {
        try (TestServer server = new TestServer(data, config -> config.durability("none"))) {
            server.postJson("/api/v1/events", EventApiTest.event("t", "e1", "{}"));
            assertThat(server.postJson(GROUPS, "{\"name\":\"ok\"}").status()).isEqualTo(200);
            Map<String, String> bodies = Map.ofEntries(
                    Map.entry("{", "malformed JSON"),
                    Map.entry("[]", "must be a JSON object"),
                    Map.entry("{}", "missing field 'name'"),
                    Map.entry("{\"name\":\"../x\"}", "subscription name"),
                    Map.entry("{\"name\":\"" + "n".repeat(200) + "\"}", "the limit is"),
                    Map.entry("{\"name\":7}", "'name' must be a string"),
                    Map.entry("{\"name\":\"a\",\"max_attempts\":0}", "'max_attempts' must be between 1"),
                    Map.entry("{\"name\":\"a\",\"max_attempts\":\"5\"}", "'max_attempts' must be an integer"),
                    Map.entry("{\"name\":\"a\",\"ack_timeout_ms\":1.5}", "'ack_timeout_ms' must be an integer"),
                    Map.entry("{\"name\":\"a\",\"max_in_flight\":99999999999999999999}", "'max_in_flight' must be between"),
                    Map.entry("{\"name\":\"a\",\"max_members\":-1}", "'max_members' must be between 0"),
                    Map.entry("{\"name\":\"a\",\"strategy\":\"fastest\"}", "'strategy' must be"),
                    Map.entry("{\"name\":\"a\",\"strategy\":1}", "'strategy' must be"),
                    Map.entry("{\"name\":\"a\",\"start\":0}", "'start' must be between 1"),
                    Map.entry("{\"name\":\"a\",\"start\":\"middle\"}", "'start' must be"),
                    Map.entry("{\"name\":\"a\",\"start\":99}", "past the end of the log"),
                    Map.entry("{\"name\":\"a\",\"color\":\"red\"}", "unknown field 'color'"),
                    Map.entry("{\"name\":\"a\",\"event_types\":\"t\"}", "'event_types' must be an array"),
                    Map.entry("{\"name\":\"a\",\"event_types\":[1]}", "'event_types[0]' must be a string"),
                    Map.entry("{\"name\":\"a\",\"entity_id\":\"e\\u0001\"}", "control character"),
                    Map.entry("{\"name\":\"a\"} {}", "unexpected content"),
                    Map.entry("{\"name\":\"ok\"}", "exists already"));
            for (Map.Entry<String, String> e : bodies.entrySet()) {
                TestServer.Response r = server.postJson(GROUPS, e.getKey());
                assertThat(r.status()).as("%s -> %s", e.getKey(), r.body()).isBetween(400, 499);
                assertThat(r.json().get("error").asText()).as(e.getKey()).contains(e.getValue());
                assertThat(r.body()).as("no server path").doesNotContain(data.toAbsolutePath().toString());
            }
            assertThat(server.postJson(GROUPS, "{\"name\":\"ok\"}").status()).isEqualTo(409);
            assertThat(server.post(GROUPS, "text/plain", "{\"name\":\"b\"}".getBytes()).status()).isEqualTo(415);
            assertThat(names(server.get(GROUPS).json())).as("nothing created by a refused request").containsExactly("ok");

            for (String patch : List.of("{\"entity_id\":\"e2\"}", "{\"event_types\":[]}", "{\"tenant_id\":\"x\"}")) {
                TestServer.Response r = patch(server, GROUPS + "/ok", patch);
                assertThat(r.status()).as(r.body()).isEqualTo(400);
                assertThat(r.json().get("error").asText()).contains("cannot change");
            }
            assertThat(patch(server, GROUPS + "/ok", "{\"name\":\"other\"}").json().get("error").asText())
                    .contains("'name' cannot change");
            assertThat(patch(server, GROUPS + "/ok", "{\"max_attempts\":-3}").status()).isEqualTo(400);
            assertThat(patch(server, GROUPS + "/nope", "{\"max_attempts\":3}").status()).isEqualTo(404);
            assertThat(server.get(GROUPS + "/ok").json().at("/settings/max_attempts").asInt()).as("unchanged")
                    .isEqualTo(5);

            assertThat(server.get(GROUPS + "/nope").json().get("error").asText())
                    .isEqualTo("no consumer group named 'nope'");
            assertThat(server.get(GROUPS + "/nope/parked").status()).isEqualTo(404);
            assertThat(server.get(GROUPS + "/ok/parked?limit=0").status()).isEqualTo(400);
            assertThat(server.get(GROUPS + "/ok/parked?limit=abc").status()).isEqualTo(400);
            TestServer.Response both = server.post(GROUPS + "/ok/parked/replay?limit=1&position=1", null, new byte[0]);
            assertThat(both.status()).isEqualTo(400);
            assertThat(both.json().get("error").asText()).contains("not both");
            assertThat(server.post(GROUPS + "/ok/parked/replay?limit=-1", null, new byte[0]).status()).isEqualTo(400);
            assertThat(server.post(GROUPS + "/nope/parked/replay", null, new byte[0]).status()).isEqualTo(404);
            assertThat(server.send(HttpRequest.newBuilder(server.uri(GROUPS + "/ok")).PUT(
                    HttpRequest.BodyPublishers.ofString("{}"))).status()).isEqualTo(405);
        }
    }

    private static TestServer.Response patch(TestServer server, String path, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void aTenantSeesAndChangesOnlyItsOwnGroupsAndTheyHoldOnlyItsEvents() throws Exception {
        KeyRing keys = KeyRing.open(data);
        String admin = keys.create("admin", Role.ADMIN, null, null).key();
        String acme = keys.create("acme", Role.WRITER, "acme", null).key();
        String beta = keys.create("beta", Role.WRITER, "beta", null).key();
        String acmeReader = keys.create("acme reader", Role.READER, "acme", null).key();
        String acmeX = keys.create("acme.x", Role.WRITER, "acme.x", null).key();
        try (TestServer server = new TestServer(data, config -> config.durability("none"))) {
            for (int i = 0; i < 20; i++) {
                String key = i % 2 == 0 ? acme : beta;
                assertThat(send(server, key, "POST", "/api/v1/events",
                        EventApiTest.event("t", "e" + (i % 3), "{}")).status()).isEqualTo(200);
            }
            assertThat(send(server, acme, "POST", GROUPS, "{\"name\":\"billing\"}").status()).isEqualTo(200);
            TestServer.Response betaOwn = send(server, beta, "POST", GROUPS, "{\"name\":\"billing\",\"entity_id\":\"e1\"}");
            assertThat(betaOwn.status()).as("the same name in another tenant").isEqualTo(200);
            assertThat(betaOwn.json().at("/filter/entity_id").asText()).as("shown unscoped").isEqualTo("e1");
            assertThat(betaOwn.json().at("/filter/tenant_id").asText()).isEqualTo("beta");
            TestServer.Response other = send(server, acme, "POST", GROUPS, "{\"name\":\"x\",\"tenant_id\":\"beta\"}");
            assertThat(other.status()).isEqualTo(403);
            assertThat(send(server, acmeReader, "POST", GROUPS, "{\"name\":\"y\"}").status()).isEqualTo(403);
            assertThat(send(server, acmeReader, "GET", GROUPS + "/billing", null).status()).isEqualTo(200);

            // Tenant names may hold '.', so a tenant's group names may not: acme's "x.billing" would be acme.x's "billing".
            TestServer.Response dotted = send(server, acme, "POST", GROUPS, "{\"name\":\"x.billing\"}");
            assertThat(dotted.status()).isEqualTo(400);
            assertThat(dotted.json().get("error").asText()).contains("cannot contain '.'");
            TestServer.Response dottedView = send(server, acme, "POST", "/api/v1/views", "{\"name\":\"x.totals\","
                    + "\"event_types\":[\"t\"],\"group_by\":[{\"field\":\"k\",\"as\":\"k\"}],"
                    + "\"aggregates\":[{\"fn\":\"count\",\"as\":\"n\"}]}");
            assertThat(dottedView.status()).as("views share the rule").isEqualTo(400);
            assertThat(dottedView.json().get("error").asText()).contains("cannot contain '.'");
            assertThat(send(server, acmeX, "POST", GROUPS, "{\"name\":\"billing\"}").status()).isEqualTo(200);
            assertThat(names(send(server, acmeX, "GET", GROUPS, null).json())).containsExactly("billing");
            assertThat(names(send(server, acme, "GET", GROUPS, null).json())).containsExactly("billing");
            assertThat(send(server, acme, "GET", GROUPS + "/billing", null).json().at("/filter/tenant_id").asText())
                    .isEqualTo("acme");
            assertThat(send(server, acmeX, "DELETE", GROUPS + "/billing", null).status()).isEqualTo(200);
            assertThat(names(send(server, admin, "GET", GROUPS, null).json()))
                    .containsExactly("acme.billing", "beta.billing");
            assertThat(send(server, beta, "GET", GROUPS + "/acme.billing", null).status()).as("not a name beta can give")
                    .isEqualTo(400);
            assertThat(send(server, beta, "DELETE", GROUPS + "/acme.billing", null).status()).isEqualTo(400);
            assertThat(send(server, beta, "GET", GROUPS + "/acme", null).status()).isEqualTo(404);

            ConsumerGroup acmeGroup = server.server().store().subscriptions().findGroup("acme.billing").orElseThrow();
            ConsumerGroup betaGroup = server.server().store().subscriptions().findGroup("beta.billing").orElseThrow();
            try (GroupMember a = acmeGroup.join("a"); GroupMember b = betaGroup.join("b")) {
                for (int i = 0; i < 10; i++) {
                    Delivery d = a.poll(WAIT).orElseThrow();
                    assertThat(d.event().tenantId()).isEqualTo("acme");
                    d.nack(NackAction.PARK, "x");
                }
                assertThat(a.poll(Duration.ofMillis(200))).as("only acme's ten").isEmpty();
                for (Delivery d = b.poll(WAIT).orElseThrow(); ; d = b.poll(WAIT).orElseThrow()) {
                    assertThat(d.event().entityId()).isEqualTo("beta:e1");
                    d.ack();
                    if (betaGroup.info().lag() == 0) {
                        break;
                    }
                }
            }
            JsonNode parked = send(server, acme, "GET", GROUPS + "/billing/parked", null).json();
            assertThat(parked.get("total").asInt()).isEqualTo(10);
            parked.get("parked").forEach(p -> assertThat(p.get("entity_id").asText()).doesNotContain(":"));
            assertThat(send(server, beta, "POST", GROUPS + "/billing/parked/replay", "").json().get("replayed").asInt())
                    .as("beta's own group has nothing parked").isZero();
            assertThat(send(server, acme, "DELETE", GROUPS + "/billing", null).status()).isEqualTo(200);
            assertThat(names(send(server, admin, "GET", GROUPS, null).json())).containsExactly("beta.billing");
        }
    }

    private static TestServer.Response send(TestServer server, String key, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).header("X-API-Key", key);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return server.send(request);
    }
}
