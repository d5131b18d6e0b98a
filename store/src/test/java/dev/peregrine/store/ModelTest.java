package dev.peregrine.store;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Randomized workloads (fixed seeds, printed in every assertion) compared against a simple in-memory
 * model: queries with every filter and cursor paging, time travel, state reconstruction with JSON
 * Merge Patch (null deletes, nested merges), snapshots, tombstones and projections, with a restart of
 * the store in the middle.
 */
class ModelTest {

    private static final List<String> TYPES = List.of("order.created", "order.paid", "user.renamed", "x.y-z_1", "misc");
    private static final List<String> TENANTS = List.of("default", "acme");

    @TempDir
    Path dir;

    /** What the model remembers of one stored event. */
    private record Ev(long position, UUID id, String type, String entity, String tenant, Map<String, Object> payload,
                      long nanos, long version) {
    }

    /** The model: the log, tombstones, and the operations needed to answer like the store. */
    private static final class Model {
        final List<Ev> log = new ArrayList<>();
        final Map<String, Long> lastTombstone = new HashMap<>();
        final Map<String, Long> version = new HashMap<>();
        final Map<String, Long> counters = new HashMap<>();
        long lastPosition;

        boolean hidden(Ev e) {
            return lastTombstone.getOrDefault(e.entity(), 0L) > e.position();
        }

        List<Ev> query(String entity, String type, String tenant, Long since, Long upTo, long from) {
            List<Ev> out = new ArrayList<>();
            for (Ev e : log) {
                if (hidden(e) || e.position() < from || (entity != null && !entity.equals(e.entity()))
                        || (type != null && !type.equals(e.type())) || (tenant != null && !tenant.equals(e.tenant()))
                        || (since != null && e.nanos() < since) || (upTo != null && e.nanos() > upTo)) {
                    continue;
                }
                out.add(e);
            }
            return out;
        }

        Map<String, Object> state(String entity, Long upTo) {
            Map<String, Object> state = new LinkedHashMap<>();
            boolean any = false;
            for (Ev e : log) {
                if (e.entity().equals(entity) && !hidden(e) && (upTo == null || e.nanos() <= upTo)) {
                    state = mergePatch(state, e.payload());
                    any = true;
                }
            }
            return any ? state : null;
        }
    }

    /** RFC 7396, written from the RFC's pseudocode, on plain maps. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mergePatch(Object target, Map<String, Object> patch) {
        Map<String, Object> result = target instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            if (e.getValue() == null) {
                result.remove(e.getKey());
            } else if (e.getValue() instanceof Map<?, ?> sub) {
                result.put(e.getKey(), mergePatch(result.get(e.getKey()), (Map<String, Object>) sub));
            } else {
                result.put(e.getKey(), e.getValue());
            }
        }
        return result;
    }

    /** JSON with keys in field-id order, which is the order a record prints them in. */
    @SuppressWarnings("unchecked")
    static String json(Object value, FieldDictionary dict) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        if (value instanceof Map<?, ?> m) {
            List<String> keys = new ArrayList<>(((Map<String, Object>) m).keySet());
            keys.sort((a, b) -> Integer.compare(dict.intern(a), dict.intern(b)));
            StringBuilder sb = new StringBuilder("{");
            for (String k : keys) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append('"').append(k).append("\":").append(json(m.get(k), dict));
            }
            return sb.append('}').toString();
        }
        return String.valueOf(value);
    }

    private static Map<String, Object> randomPayload(Random r, int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            String key = "k" + r.nextInt(6);
            int kind = r.nextInt(10);
            Object v = switch (kind) {
                case 0, 1 -> null;
                case 2, 3 -> (long) r.nextInt(1000) - 500;
                case 4 -> r.nextBoolean();
                case 5, 6 -> depth < 2 ? randomPayload(r, depth + 1) : "s" + r.nextInt(50);
                default -> "s" + r.nextInt(50);
            };
            m.put(key, v);
        }
        return m;
    }

    private static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(128 * 1024).snapshotEvery(5)
                .followerCheckpointEvery(50).maxQueryLimit(500).build();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 42, 20261121})
    void storeAgreesWithModel(long seed) throws Exception {
        Random r = new Random(seed);
        Model model = new Model();
        int operations = 1200;
        EventStore store = EventStore.open(dir, options());
        try {
            for (int op = 0; op < operations; op++) {
                if (op == operations / 2) {
                    store.close();
                    store = EventStore.open(dir, options());
                    compare(store, model, r, seed, op);
                }
                int kind = r.nextInt(100);
                String entity = "ent-" + r.nextInt(15);
                if (kind < 80) {
                    appendBatch(store, model, r, seed, op);
                } else if (kind < 83 && model.version.getOrDefault(entity, 0L) > 0) {
                    long position = store.tombstone(entity);
                    model.lastPosition++;
                    assertThat(position).as("seed %d op %d", seed, op).isEqualTo(model.lastPosition);
                    model.lastTombstone.put(entity, position);
                    model.version.put(entity, 0L);
                } else if (kind < 88 && model.version.getOrDefault(entity, 0L) > 0) {
                    Snapshot s = store.createSnapshot(entity);
                    assertThat(s.state().toJson())
                            .as("seed %d op %d snapshot", seed, op)
                            .isEqualTo(json(model.state(entity, null), store.dictionary()));
                } else if (kind < 92) {
                    EventStore current = store;
                    long expectedWrong = model.version.getOrDefault(entity, 0L) + 1 + r.nextInt(3);
                    assertThatThrownBy(() -> appendOne(current, entity, ExpectedVersion.exact(expectedWrong), r))
                            .as("seed %d op %d", seed, op).isInstanceOfAny(ConcurrencyConflictException.class,
                                    EntityDeletedException.class);
                }
                if (op % 150 == 149) {
                    compare(store, model, r, seed, op);
                }
            }
            compare(store, model, r, seed, operations);
        } finally {
            store.close();
        }
    }

    private static AppendResult appendOne(EventStore store, String entity, ExpectedVersion expected, Random r) {
        return store.append(NewEvent.builder().eventType("misc").entityId(entity).expectedVersion(expected)
                .payload(JsonCodec.defaults().parse(store.dictionary(), json(randomPayload(r, 0), store.dictionary())))
                .build());
    }

    private void appendBatch(EventStore store, Model model, Random r, long seed, int op) {
        int size = 1 + (r.nextInt(4) == 0 ? r.nextInt(4) : 0);
        List<NewEvent> batch = new ArrayList<>();
        List<Object[]> pending = new ArrayList<>();
        Map<String, Long> versions = new HashMap<>(model.version);
        for (int i = 0; i < size; i++) {
            String entity = "ent-" + r.nextInt(15);
            String type = TYPES.get(r.nextInt(TYPES.size()));
            String tenant = TENANTS.get(r.nextInt(TENANTS.size()));
            Map<String, Object> payload = randomPayload(r, 0);
            long current = versions.getOrDefault(entity, 0L);
            boolean deleted = model.lastTombstone.containsKey(entity) && current == 0;
            ExpectedVersion expected = deleted ? ExpectedVersion.noStream()
                    : r.nextBoolean() ? ExpectedVersion.exact(current) : ExpectedVersion.any();
            versions.put(entity, current + 1);
            batch.add(NewEvent.builder().eventType(type).entityId(entity).tenantId(tenant).expectedVersion(expected)
                    .payload(JsonCodec.defaults().parse(store.dictionary(), json(payload, store.dictionary()))).build());
            pending.add(new Object[] {entity, type, tenant, payload, current + 1});
        }
        List<AppendResult> results = store.append(batch);
        for (int i = 0; i < size; i++) {
            Object[] p = pending.get(i);
            AppendResult res = results.get(i);
            model.lastPosition++;
            assertThat(res.position()).as("seed %d op %d position", seed, op).isEqualTo(model.lastPosition);
            assertThat(res.version()).as("seed %d op %d version", seed, op).isEqualTo((long) p[4]);
            @SuppressWarnings("unchecked")
            Map<String, Object> payload = (Map<String, Object>) p[3];
            Instant t = res.timestamp();
            model.log.add(new Ev(res.position(), res.eventId(), (String) p[1], (String) p[0], (String) p[2], payload,
                    t.getEpochSecond() * 1_000_000_000L + t.getNano(), res.version()));
            model.version.put((String) p[0], res.version());
            model.counters.merge((String) p[1], 1L, Long::sum);
        }
    }

    private void compare(EventStore store, Model model, Random r, long seed, int op) throws Exception {
        String ctx = "seed " + seed + " op " + op;
        FieldDictionary dict = store.dictionary();
        assertThat(store.lastPosition()).as(ctx).isEqualTo(model.lastPosition);
        for (int q = 0; q < 25; q++) {
            String entity = r.nextInt(3) == 0 ? "ent-" + r.nextInt(16) : null;
            String type = r.nextInt(3) == 0 ? TYPES.get(r.nextInt(TYPES.size())) : null;
            String tenant = r.nextInt(4) == 0 ? TENANTS.get(r.nextInt(2)) : null;
            Long since = null;
            Long upTo = null;
            if (!model.log.isEmpty() && r.nextInt(3) == 0) {
                since = model.log.get(r.nextInt(model.log.size())).nanos();
            }
            if (!model.log.isEmpty() && r.nextInt(3) == 0) {
                upTo = model.log.get(r.nextInt(model.log.size())).nanos();
            }
            long from = r.nextInt(4) == 0 ? 1 + r.nextInt((int) Math.max(1, model.lastPosition)) : 1;
            int limit = 1 + r.nextInt(40);
            boolean useAsOf = r.nextBoolean();
            List<Long> expected = model.query(entity, type, tenant, since, upTo, from).stream().map(Ev::position).toList();
            List<Long> actual = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Query.Builder b = Query.builder().entityId(entity).eventType(type).tenantId(tenant).limit(limit)
                        .fromPosition(from).cursor(cursor);
                if (since != null) {
                    b.since(Instant.ofEpochSecond(0, since));
                }
                if (upTo != null) {
                    Instant t = Instant.ofEpochSecond(0, upTo);
                    if (useAsOf) {
                        b.asOf(t);
                    } else {
                        b.until(t);
                    }
                }
                QueryPage page = store.query(b.build());
                assertThat(page.events().size()).as(ctx).isLessThanOrEqualTo(limit);
                page.events().forEach(e -> actual.add(e.position()));
                cursor = page.nextCursor().orElse(null);
                assertThat(++pages).as(ctx + ": paging terminates").isLessThan(5000);
            } while (cursor != null);
            assertThat(actual).as("%s query entity=%s type=%s tenant=%s since=%s upTo=%s from=%d limit=%d", ctx, entity,
                    type, tenant, since, upTo, from, limit).isEqualTo(expected);
        }
        // Every visible event reads back exactly.
        for (Ev e : model.log) {
            var got = store.get(e.id());
            if (model.hidden(e)) {
                assertThat(got).as(ctx).isEmpty();
                continue;
            }
            assertThat(got).as(ctx).isPresent();
            StoredEvent s = got.get();
            assertThat(s.position()).as(ctx).isEqualTo(e.position());
            assertThat(s.version()).as(ctx).isEqualTo(e.version());
            assertThat(s.tenantId()).as(ctx).isEqualTo(e.tenant());
            assertThat(s.payload().toJson()).as(ctx).isEqualTo(json(e.payload(), dict));
        }
        // State now and in the past.
        store.awaitProjections(Duration.ofSeconds(30));
        Projection snapshots = store.projection("entity_snapshots").orElseThrow();
        for (int i = 0; i < 16; i++) {
            String entity = "ent-" + i;
            Map<String, Object> now = model.state(entity, null);
            if (now == null) {
                assertThatThrownBy(() -> store.reconstruct(entity, null)).as(ctx)
                        .isInstanceOfAny(EntityNotFoundException.class, EntityDeletedException.class);
                assertThat(snapshots.state(entity)).as(ctx).isEmpty();
            } else {
                EntityState state = store.reconstruct(entity, null);
                assertThat(state.state().toJson()).as(ctx + " state of " + entity).isEqualTo(json(now, dict));
                assertThat(state.eventCount()).as(ctx).isEqualTo(model.version.get(entity));
                assertThat(snapshots.state(entity).orElseThrow().toJson()).as(ctx + " projection " + entity)
                        .isEqualTo(json(now, dict));
            }
            if (!model.log.isEmpty()) {
                long asOf = model.log.get(r.nextInt(model.log.size())).nanos();
                Map<String, Object> then = model.state(entity, asOf);
                if (then == null) {
                    assertThatThrownBy(() -> store.reconstruct(entity, Instant.ofEpochSecond(0, asOf))).as(ctx)
                            .isInstanceOfAny(EntityNotFoundException.class, EntityDeletedException.class);
                } else {
                    assertThat(store.reconstruct(entity, Instant.ofEpochSecond(0, asOf)).state().toJson())
                            .as(ctx + " state of " + entity + " as of " + asOf).isEqualTo(json(then, dict));
                }
            }
        }
        Projection counters = store.projection("event_counters").orElseThrow();
        for (String type : TYPES) {
            long expected = model.counters.getOrDefault(type, 0L);
            assertThat(counters.state(type).map(s -> s.getLong("count")).orElse(0L)).as(ctx + " counter " + type)
                    .isEqualTo(expected);
        }
    }
}
