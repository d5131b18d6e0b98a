package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonOutput;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.record.internal.JsonStreams;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoredEvent;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-written event rendering against the Jackson rendering it replaced, byte for byte, on a
 * seeded random corpus: every record type (BYTES, NaN and the infinities included, which only the
 * builder makes), decimals beyond any double, strings and field names with control characters,
 * quotes, backslashes, every UTF-8 length, surrogate pairs (and lone surrogates in the event's own
 * strings), nesting, metadata present and absent, tombstones, timestamps across the whole
 * {@code long} range, and pages with and without a cursor. The seed is printed on failure
 * ({@code -Dperegrine.test.seed=N} replays it).
 */
class EventJsonWriterTest {

    private static final long SEED = Long.getLong("peregrine.test.seed", System.nanoTime());
    private static final int PAGES = 1_500;

    /** The corpus's records' dictionary: a store's, for the tests that append them. */
    private FieldDictionary dictionary = FieldDictionary.create();
    private final Json json = new Json(ServerLimits.defaults());

    @Test
    void rendersExactlyTheBytesJacksonRendered() {
        Random random = new Random(SEED);
        for (int round = 0; round < PAGES; round++) {
            List<StoredEvent> events = new ArrayList<>();
            for (int n = random.nextInt(12); events.size() < n; ) {
                events.add(randomEvent(random));
            }
            QueryPage page = new QueryPage(events, random.nextBoolean() ? Optional.empty()
                    : Optional.of(randomString(random, true)));
            String context = "seed " + SEED + ", round " + round;
            assertThat(text(EventJsonWriter.page(page, TenantScope.EVERY_TENANT))).as(context).isEqualTo(text(json.render(g -> jacksonPage(page, g))));
            for (StoredEvent event : events) {
                assertThat(text(EventJsonWriter.event(event, TenantScope.EVERY_TENANT))).as(context)
                        .isEqualTo(text(json.render(g -> jacksonEvent(event, g))));
            }
        }
    }

    /**
     * The query endpoint's page rendered from the store's re-pointed views against the same page
     * rendered from its {@code StoredEvent}s (which the test above holds to Jackson's bytes): random
     * events in a real store, random queries by entity, type, tenant, position and cursor.
     */
    @Test
    void rendersAStoresPagesFromItsViewsAsFromItsStoredEvents(@TempDir Path dir) {
        Random random = new Random(SEED);
        String[] types = {"order.placed", "order.paid", "ty\"pe/\u00fc"};
        String[] entities = {"e-1", "quote\"d", "back\\slash", "\u00fc-\u00f1-\u4e2d", "pair-\ud83d\ude00", "e-6"};
        String[] tenants = {"default", "acme"};
        try (EventStore store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none())
                .builtInProjections(false).build())) {
            dictionary = store.dictionary();
            for (int batch = 0; batch < 150; batch++) {
                List<NewEvent> events = new ArrayList<>();
                for (int n = 1 + random.nextInt(8); events.size() < n; ) {
                    events.add(NewEvent.builder().eventType(types[random.nextInt(types.length)])
                            .entityId(entities[random.nextInt(entities.length)])
                            .tenantId(tenants[random.nextInt(tenants.length)])
                            .payload(randomRecord(random, 0))
                            .metadata(random.nextBoolean() ? null : randomRecord(random, 2)).build());
                }
                store.append(events);
            }
            for (int round = 0; round < 400; round++) {
                Query.Builder query = Query.builder().limit(1 + random.nextInt(60));
                switch (random.nextInt(4)) {
                    case 0 -> query.entityId(entities[random.nextInt(entities.length)]);
                    case 1 -> query.eventType(types[random.nextInt(types.length)]);
                    case 2 -> query.tenantId(tenants[random.nextInt(tenants.length)]);
                    default -> query.fromPosition(1 + random.nextInt((int) store.lastPosition()));
                }
                QueryPage first = store.query(query.build());
                if (first.nextCursor().isPresent() && random.nextBoolean()) {
                    query.cursor(first.nextCursor().get());
                }
                Query q = query.build();
                String context = "seed " + SEED + ", query round " + round;
                assertThat(text(EventJsonWriter.page(store, q, TenantScope.EVERY_TENANT))).as(context)
                        .isEqualTo(text(EventJsonWriter.page(store.query(q), TenantScope.EVERY_TENANT)));
            }
        }
    }

    @Test
    void timestampsMatchTheFormatterAcrossTheWholeRange() {
        Random random = new Random(SEED);
        long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1, 951_782_400_000_000_000L /* 2000-02-29 */,
            -2_208_988_800_000_000_001L, 4_107_542_399_999_999_999L /* 2100-02-28T23:59:59.999999999 */};
        for (int i = 0; i < 200_000 + edges.length; i++) {
            long nanos = i < edges.length ? edges[i] : switch (i % 3) {
                case 0 -> random.nextLong();
                case 1 -> 1_700_000_000_000_000_000L + random.nextLong(100L * 365 * 86_400 * 1_000_000_000L);
                default -> (random.nextLong(200_000L) - 100_000L) * 86_400_000_000_000L; // midnights
            };
            JsonOutput out = new JsonOutput(40);
            Timestamps.write(nanos, out);
            assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII)).as("seed %d, nanos %d", SEED, nanos)
                    .isEqualTo('"' + Timestamps.format(Instant.ofEpochSecond(0, nanos)) + '"');
        }
    }

    // ---------------------------------------------------------------- the Jackson rendering, as it was

    private static void jacksonPage(QueryPage page, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("events");
        for (StoredEvent event : page.events()) {
            jacksonEvent(event, g);
        }
        g.writeEndArray();
        g.writeNumberField("count", page.events().size());
        g.writeFieldName("next_cursor");
        if (page.nextCursor().isPresent()) {
            g.writeString(page.nextCursor().get());
        } else {
            g.writeNull();
        }
        g.writeEndObject();
    }

    private static void jacksonEvent(StoredEvent event, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", event.id().toString());
        g.writeStringField("event_type", event.eventType());
        g.writeStringField("entity_id", event.entityId());
        g.writeStringField("tenant_id", event.tenantId());
        g.writeFieldName("payload");
        JsonStreams.write(event.payload(), g);
        g.writeStringField("timestamp", Timestamps.format(event.timestamp()));
        g.writeFieldName("metadata");
        if (event.metadata().isPresent()) {
            JsonStreams.write(event.metadata().get(), g);
        } else {
            g.writeNull();
        }
        g.writeNumberField("version", event.version());
        g.writeNumberField("position", event.position());
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- the corpus

    private StoredEvent randomEvent(Random random) {
        UUID id = new UUID(random.nextLong(), random.nextLong());
        long timestamp = random.nextInt(4) == 0 ? random.nextLong() : 1_764_000_000_000_000_000L + random.nextLong(1L << 50);
        long position = random.nextInt(4) == 0 ? random.nextLong() : 1 + random.nextInt(1 << 20);
        if (random.nextInt(10) == 0) {
            return new StoredEvent(id, StoredEvent.TOMBSTONE_TYPE, randomString(random, true), "default",
                    Record.empty(dictionary), null, timestamp, 0, position);
        }
        Record payload = randomRecord(random, 0);
        Record metadata = random.nextBoolean() ? null : randomRecord(random, 2);
        long version = random.nextInt(4) == 0 ? random.nextLong() : 1 + random.nextInt(1000);
        String tenant = random.nextInt(8) == 0 ? null : randomString(random, true);
        return new StoredEvent(id, randomString(random, true), randomString(random, true), tenant, payload, metadata,
                timestamp, version, position);
    }

    private Record randomRecord(Random random, int depth) {
        RecordBuilder builder = RecordBuilder.create(dictionary);
        fill(builder, random, depth);
        return builder.build();
    }

    /** Fields with distinct random names into the builder's open object. */
    private void fill(RecordBuilder builder, Random random, int depth) {
        List<String> names = new ArrayList<>();
        for (int n = random.nextInt(depth == 0 ? 10 : 5); names.size() < n; ) {
            String name = randomString(random, false);
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        for (String name : names) {
            switch (random.nextInt(depth < 4 ? 12 : 10)) {
                case 0 -> builder.putNull(name);
                case 1 -> builder.put(name, random.nextBoolean());
                case 2 -> builder.put(name, randomLong(random));
                case 3 -> builder.put(name, randomDouble(random));
                case 4 -> builder.put(name, randomDecimal(random));
                case 5 -> {
                    byte[] bytes = new byte[random.nextInt(10)];
                    random.nextBytes(bytes);
                    builder.put(name, bytes);
                }
                case 6, 7, 8, 9 -> builder.put(name, randomString(random, false));
                case 10 -> {
                    builder.beginObject(name);
                    fill(builder, random, depth + 1);
                    builder.endObject();
                }
                default -> {
                    builder.beginArray(name);
                    for (int i = random.nextInt(5); i > 0; i--) {
                        switch (random.nextInt(6)) {
                            case 0 -> builder.addNull();
                            case 1 -> builder.add(randomLong(random));
                            case 2 -> builder.add(randomDouble(random));
                            case 3 -> builder.add(randomDecimal(random));
                            case 4 -> builder.add(randomString(random, false));
                            default -> builder.add(randomRecord(random, depth + 1));
                        }
                    }
                    builder.endArray();
                }
            }
        }
    }

    private static long randomLong(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
            case 1 -> random.nextLong();
            default -> random.nextInt(2001) - 1000;
        };
    }

    private static double randomDouble(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                Double.MIN_VALUE, Double.MAX_VALUE}[random.nextInt(7)];
            case 1 -> Double.longBitsToDouble(random.nextLong());
            case 2 -> random.nextInt(1000) / 8.0;
            default -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
        };
    }

    /** Numbers no long or double holds exactly, so the builder stores them as DECIMAL text. */
    private static BigDecimal randomDecimal(Random random) {
        BigDecimal value = switch (random.nextInt(3)) {
            case 0 -> new BigDecimal(new BigInteger(70 + random.nextInt(200), random));
            case 1 -> new BigDecimal(new BigInteger(60 + random.nextInt(100), random), 1 + random.nextInt(40));
            default -> new BigDecimal(BigInteger.valueOf(1 + random.nextInt(999)), -(400 + random.nextInt(5000)));
        };
        return random.nextBoolean() ? value.negate() : value;
    }

    /**
     * Text over every class of character the escaping treats differently; lone surrogates only where
     * {@code loneSurrogates} (the event's own strings are Java strings; a record's must be UTF-8).
     */
    private static String randomString(Random random, boolean loneSurrogates) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(14); n > 0; n--) {
            switch (random.nextInt(loneSurrogates ? 9 : 8)) {
                case 0, 1 -> text.append((char) ('a' + random.nextInt(26)));
                case 2 -> text.append((char) random.nextInt(0x20));
                case 3 -> text.append("\"\\/\u007f".charAt(random.nextInt(4)));
                case 4 -> text.append((char) (0x80 + random.nextInt(0x780)));         // two UTF-8 bytes
                case 5 -> text.append((char) (0x800 + random.nextInt(0xD800 - 0x800))); // three
                case 6 -> text.append((char) (0xE000 + random.nextInt(0x2000)));       // three, above the surrogates
                case 7 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));     // four: a surrogate pair
                default -> text.append((char) (0xD800 + random.nextInt(0x800)));        // a lone surrogate
            }
        }
        return text.toString();
    }

    private static String text(Buffer buffer) {
        // Compared as ISO-8859-1 so that every byte maps to one char: a byte difference is a char difference.
        return new String(buffer.getBytes(), StandardCharsets.ISO_8859_1);
    }
}
