package dev.peregrine.server.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage projection against a plain model, after every step of a seeded run of appends,
 * tombstones and restarts (seed in every failure message; {@code -Dusage.seed=N} repeats one), and
 * reservations: held plus reserved never lets an admission pass a quota, and settled reservations
 * are released.
 */
class TenantUsageTest {
    private static final List<String> TENANTS = List.of("acme", "beta", "gamma");

    @TempDir
    Path data;

    /** What the model says each tenant holds. */
    private static final class Model {
        final Map<String, long[]> held = new HashMap<>(); // events, bytes, entities, field names
        final Set<String> live = new HashSet<>();
        /** Field names some stored event used: the first user's tenant was charged. */
        final Set<String> usedNames = new HashSet<>();
    }

    @Test
    void countsWhatTheModelCountsThroughAppendsTombstonesAndRestarts() throws Exception {
        long seed = Long.getLong("usage.seed", System.nanoTime());
        Random random = new Random(seed);
        Model model = new Model();
        StoreOptions options = StoreOptions.builder().durability(Durability.none()).segmentBytes(256 * 1024).build();
        EventStore store = EventStore.open(data, options);
        TenantUsage usage = register(store);
        try {
            for (int step = 0; step < 400; step++) {
                int action = random.nextInt(20);
                String tenant = TENANTS.get(random.nextInt(TENANTS.size()));
                if (action == 0) {
                    store.close();
                    store = EventStore.open(data, options);
                    usage = register(store);
                } else if (action <= 3 && !model.live.isEmpty()) {
                    List<String> live = new ArrayList<>(model.live);
                    String entity = live.get(random.nextInt(live.size()));
                    store.tombstone(entity);
                    model.live.remove(entity);
                    model.held.get(entity.substring(0, entity.indexOf(':')))[2]--;
                } else {
                    List<NewEvent> batch = new ArrayList<>();
                    int n = 1 + random.nextInt(30);
                    for (int i = 0; i < n; i++) {
                        // Entity ids are never reused after a tombstone: the store refuses a tombstoned stream.
                        String entity = tenant + ":e" + random.nextInt(40) + "-" + step / 100;
                        // A name from a pool shared by the tenants, nested or not, so that a name is
                        // sometimes first used by one tenant and then by others, or twice in one batch.
                        String name = "k" + random.nextInt(150);
                        RecordBuilder payload = RecordBuilder.create(store.dictionary().draft())
                                .put("pad", "x".repeat(random.nextInt(200)));
                        if (random.nextBoolean()) {
                            payload.put(name, i);
                        } else {
                            payload.beginObject("nested").put(name, true).endObject();
                        }
                        NewEvent event = NewEvent.builder().eventType("u.x").entityId(entity).tenantId(tenant)
                                .payload(payload.build())
                                .build();
                        if (store.streamVersion(entity) == 0 && model.live.contains(entity)) {
                            throw new AssertionError("model and store disagree on " + entity);
                        }
                        batch.add(event);
                    }
                    try {
                        store.append(batch);
                    } catch (dev.peregrine.store.EntityDeletedException tombstoned) {
                        continue; // the batch named a tombstoned entity: nothing of it was stored
                    }
                    long[] held = model.held.computeIfAbsent(tenant, t -> new long[4]);
                    for (NewEvent event : batch) {
                        held[0]++;
                        held[1] += Tenants.bytes(event);
                        if (model.live.add(event.entityId())) {
                            held[2]++;
                        }
                        for (String name : namesOf(event.payload().toJson())) {
                            if (model.usedNames.add(name)) {
                                held[3]++;
                            }
                        }
                    }
                }
                store.awaitProjections(Duration.ofSeconds(30));
                for (String t : TENANTS) {
                    long[] expected = model.held.getOrDefault(t, new long[4]);
                    assertThat(usage.held(t)).as("seed %d, step %d, tenant %s", seed, step, t)
                            .isEqualTo(new TenantUsage.Held(expected[0], expected[1], expected[2], expected[3]));
                }
            }
        } finally {
            store.close();
        }
    }

    @Test
    void reservationsKeepConcurrentAdmissionsUnderTheQuotaAndAreReleased() throws Exception {
        try (EventStore store = EventStore.open(data, StoreOptions.builder().durability(Durability.none()).build())) {
            TenantUsage usage = register(store);
            // Three admissions of 400 bytes against 1,000: the third must wait for nothing to be counted.
            Tenants.Quotas bytes = new Tenants.Quotas(1_000, 0, 0);
            TenantUsage.Admission first = usage.admit("acme", new TenantUsage.Adding(400, 1, 1), bytes);
            TenantUsage.Admission second = usage.admit("acme", new TenantUsage.Adding(400, 1, 1), bytes);
            TenantUsage.Admission third = usage.admit("acme", new TenantUsage.Adding(400, 1, 1), bytes);
            assertThat(first).isInstanceOf(TenantUsage.Reservation.class);
            assertThat(second).isInstanceOf(TenantUsage.Reservation.class);
            assertThat(third).isInstanceOf(TenantUsage.Refusal.class);
            assertThat(((TenantUsage.Refusal) third).held()).isEqualTo(800);
            // A failed append gives its bytes back at once.
            usage.failed((TenantUsage.Reservation) second);
            assertThat(usage.admit("acme", new TenantUsage.Adding(601, 0, 0), bytes)).isInstanceOf(TenantUsage.Refusal.class);
            assertThat(usage.admit("acme", new TenantUsage.Adding(600, 0, 0), bytes))
                    .isInstanceOf(TenantUsage.Reservation.class);
            // Entity and field name quotas count reserved ones too: one each is reserved by the first admission.
            TenantUsage.Adding one = new TenantUsage.Adding(0, 1, 1);
            assertThat(usage.admit("acme", one, new Tenants.Quotas(0, 1, 0))).isInstanceOf(TenantUsage.Refusal.class);
            assertThat(usage.admit("acme", one, new Tenants.Quotas(0, 2, 0))).isInstanceOf(TenantUsage.Reservation.class);
            TenantUsage.Admission names = usage.admit("acme", one, new Tenants.Quotas(0, 0, 2));
            assertThat(names).isInstanceOf(TenantUsage.Refusal.class);
            assertThat(((TenantUsage.Refusal) names).describe("acme"))
                    .isEqualTo("tenant 'acme' is at its quota of 2 field names (holds 2, the request adds 1)");
        }
    }

    /** Every key of a JSON object, at any depth. */
    private static Set<String> namesOf(String json) {
        Set<String> names = new HashSet<>();
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("\"([^\"]*)\":").matcher(json);
        while (key.find()) {
            names.add(key.group(1));
        }
        return names;
    }

    private static TenantUsage register(EventStore store) {
        TenantUsage usage = new TenantUsage(store.dictionary());
        store.registerProjection(usage);
        return usage;
    }
}
