package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import dev.peregrine.store.framing.FramingDescriptor;
import dev.peregrine.store.internal.DictionaryFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's field names: what each new name costs (bytes in {@code fields.dict}, nothing
 * rewritten), the limit on distinct names, and that only stored events add names.
 */
class FieldNamesTest {

    private static final JsonCodec JSON = JsonCodec.defaults();
    /** Bytes of the file header, and of each record's frame plus its first-id and count fields. */
    private static final int FILE_HEADER = FramingDescriptor.headerLength(DictionaryFile.FORMAT.name().length());
    private static final int RECORD_OVERHEAD = 8 + 8;

    @TempDir
    Path dir;

    private static StoreOptions.Builder options() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(8 << 20).builtInProjections(false);
    }

    /** An event parsed into a draft of the store's dictionary, as the server parses requests. */
    private static NewEvent.Builder drafted(FieldDictionary draft, String entity, String json) {
        return NewEvent.builder().eventType("t").entityId(entity).payload(JSON.parse(draft, json));
    }

    @Test
    void everyNewNameCostsItsOwnBytesOnceAndTheStoreReopensWithAllOfThem() throws IOException {
        int events = 120_000;
        int perBatch = 100;
        List<String> names = new ArrayList<>(events);
        try (EventStore store = EventStore.open(dir, options().maxFieldNames(events).build())) {
            for (int batch = 0; batch < events / perBatch; batch++) {
                FieldDictionary draft = store.dictionary().draft();
                List<NewEvent> list = new ArrayList<>(perBatch);
                for (int i = 0; i < perBatch; i++) {
                    int n = batch * perBatch + i;
                    String key = "k" + Integer.toHexString(n * 0x9E3779B1);
                    names.add(key);
                    list.add(drafted(draft, "e" + (n % 1000), "{\"" + key + "\":" + n + "}").build());
                }
                store.append(list);
                if (batch % 300 == 0) {
                    // The file grew by exactly this batch's names: one record, nothing rewritten.
                    assertThat(Files.size(dir.resolve("fields.dict"))).isEqualTo(expectedFileSize(names, batch + 1));
                }
            }
            assertThat(store.stats().fieldNames()).isEqualTo(events);
        }
        DictionaryRecords file = DictionaryRecords.read(dir.resolve("fields.dict"));
        assertThat(file.names()).isEqualTo(names);
        assertThat(file.records()).as("one record per append that brought new names").isEqualTo(events / perBatch);
        assertThat(Files.size(dir.resolve("fields.dict"))).isEqualTo(expectedFileSize(names, events / perBatch));

        try (EventStore store = EventStore.open(dir, options().maxFieldNames(events).build())) {
            assertThat(store.dictionary().names()).isEqualTo(names);
            for (long p = 1; p <= events; p += 997) {
                StoredEvent e = StoreInternals.read(store, p, 1).getFirst();
                assertThat(e.payload().getLong(names.get((int) p - 1))).isEqualTo(p - 1);
            }
        }
    }

    private static long expectedFileSize(List<String> names, int records) {
        long bytes = FILE_HEADER + (long) records * RECORD_OVERHEAD;
        for (String name : names) {
            bytes += 2 + name.getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    @Test
    void theLimitIsExactRefusesWholeBatchesAndSurvivesRestarts() {
        try (EventStore store = EventStore.open(dir, options().maxFieldNames(5).build())) {
            store.append(drafted(store.dictionary().draft(), "a", "{\"n1\":1,\"n2\":{\"n3\":[{\"n4\":1}]}}").build());
            store.append(drafted(store.dictionary().draft(), "a", "{\"n1\":2,\"n5\":0}").build()); // exactly 5
            FieldDictionary draft = store.dictionary().draft();
            List<NewEvent> batch = List.of(drafted(draft, "a", "{\"n1\":3}").build(),
                    drafted(draft, "b", "{\"n6\":1}").build());
            assertThatThrownBy(() -> store.append(batch)).isInstanceOf(FieldNameLimitException.class)
                    .hasMessage("field name limit reached: the store holds 5 distinct field names, its limit")
                    .satisfies(e -> assertThat(((FieldNameLimitException) e).limit()).isEqualTo(5));
            assertThat(store.lastPosition()).as("nothing of the batch stored").isEqualTo(2);
            assertThat(store.stats().fieldNames()).isEqualTo(5);
            // Known names keep working at the limit.
            store.append(drafted(store.dictionary().draft(), "a", "{\"n5\":{\"n1\":true}}").build());
        }
        try (EventStore store = EventStore.open(dir, options().maxFieldNames(5).build())) {
            assertThat(store.stats().fieldNames()).isEqualTo(5);
            assertThatThrownBy(() -> store.append(drafted(store.dictionary().draft(), "a", "{\"n6\":1}").build()))
                    .isInstanceOf(FieldNameLimitException.class);
            assertThat(store.lastPosition()).isEqualTo(3);
        }
        try (EventStore store = EventStore.open(dir, options().maxFieldNames(7).build())) {
            FieldDictionary draft = store.dictionary().draft();
            assertThatThrownBy(() -> store.append(drafted(draft, "a", "{\"n6\":1,\"n7\":2,\"n8\":3}").build()))
                    .isInstanceOf(FieldNameLimitException.class)
                    .hasMessage("field name limit reached: the store holds 5 distinct field names and the events"
                            + " need more new ones than its limit of 7 allows");
            store.append(drafted(draft, "a", "{\"n6\":1,\"n7\":2}").build());
            assertThat(store.stats().fieldNames()).isEqualTo(7);
        }
        // A limit lowered below what the store holds: everything opens and reads, nothing new gets in.
        try (EventStore store = EventStore.open(dir, options().maxFieldNames(2).build())) {
            assertThat(store.dictionary().names()).containsExactly("n1", "n2", "n3", "n4", "n5", "n6", "n7");
            assertThat(StoreInternals.read(store, 4, 1).getFirst().payload().getLong("n7")).isEqualTo(2);
            assertThatThrownBy(() -> store.append(drafted(store.dictionary().draft(), "a", "{\"n9\":1}").build()))
                    .isInstanceOf(FieldNameLimitException.class);
            assertThatThrownBy(() -> JSON.parse(store.dictionary(), "{\"n9\":1}")).hasMessageContaining("limit");
        }
    }

    @Test
    void rejectedAppendsLeaveTheDictionaryAsItWas() throws IOException {
        try (EventStore store = EventStore.open(dir, options().maxPayloadBytes(1024).build())) {
            UUID id = UUID.randomUUID();
            store.append(drafted(store.dictionary().draft(), "a", "{\"first\":1}").eventId(id).build());
            store.tombstone("a");
            store.append(drafted(store.dictionary().draft(), "b", "{\"first\":1}").build());
            int names = store.dictionary().size();
            long fileBytes = Files.size(dir.resolve("fields.dict"));

            List<Runnable> rejected = List.of(
                    // version conflict
                    () -> store.append(drafted(store.dictionary().draft(), "b", "{\"conflict\":1}")
                            .expectedVersion(ExpectedVersion.exact(7)).build()),
                    // the event id is stored with other content
                    () -> store.append(drafted(store.dictionary().draft(), "c", "{\"duplicate\":1}").eventId(id).build()),
                    // twice in one batch
                    () -> {
                        FieldDictionary draft = store.dictionary().draft();
                        UUID twice = UUID.randomUUID();
                        store.append(List.of(drafted(draft, "c", "{\"twice1\":1}").eventId(twice).build(),
                                drafted(draft, "c", "{\"twice2\":1}").eventId(twice).build()));
                    },
                    // invalid entity id, checked before the queue
                    () -> store.append(drafted(store.dictionary().draft(), "bad\u0001id", "{\"invalid\":1}").build()),
                    // too large
                    () -> store.append(drafted(store.dictionary().draft(), "c",
                            "{\"large\":\"" + "x".repeat(2000) + "\"}").build()),
                    // a tombstoned entity
                    () -> store.append(drafted(store.dictionary().draft(), "a", "{\"deleted\":1}").build()),
                    // a batch whose last event conflicts
                    () -> {
                        FieldDictionary draft = store.dictionary().draft();
                        store.append(List.of(drafted(draft, "d", "{\"batchok\":1}").build(),
                                drafted(draft, "d", "{\"batchbad\":1}").expectedVersion(ExpectedVersion.noStream()).build()));
                    });
            for (Runnable append : rejected) {
                assertThatThrownBy(append::run).isInstanceOf(EventStoreException.class);
                assertThat(store.dictionary().size()).isEqualTo(names);
                assertThat(store.stats().fieldNames()).isEqualTo(names);
            }
            assertThat(store.dictionary().names()).containsExactly("first");
            assertThat(Files.size(dir.resolve("fields.dict"))).isEqualTo(fileBytes);

            store.append(drafted(store.dictionary().draft(), "d", "{\"conflict\":1,\"batchok\":2}").build());
            assertThat(store.dictionary().names()).containsExactly("first", "conflict", "batchok");
        }
    }

    @Test
    void aRetryParsedBeforeTheOriginalWasStoredIsStillIdempotent() {
        try (EventStore store = EventStore.open(dir, options().build())) {
            UUID id = UUID.randomUUID();
            String json = "{\"fresh\":{\"deeper\":1},\"known\":2}";
            store.append(drafted(store.dictionary().draft(), "x", "{\"known\":0}").build());
            // Both drafts give "fresh" and "deeper" the same provisional ids; another draft takes them first.
            NewEvent original = drafted(store.dictionary().draft(), "a", json).eventId(id).build();
            NewEvent retry = drafted(store.dictionary().draft(), "a", json).eventId(id).build();
            store.append(drafted(store.dictionary().draft(), "y", "{\"other\":1,\"names\":2}").build());

            AppendResult first = store.append(original);
            AppendResult again = store.append(retry);

            assertThat(again).isEqualTo(first);
            assertThat(store.lastPosition()).isEqualTo(3);
            assertThat(store.get(id).orElseThrow().payload()).isEqualTo(JSON.parse(store.dictionary(), json));
            NewEvent changed = drafted(store.dictionary().draft(), "a", "{\"fresh\":{\"deeper\":2},\"known\":2}")
                    .eventId(id).build();
            assertThatThrownBy(() -> store.append(changed)).isInstanceOf(DuplicateEventIdException.class);
        }
    }

    /**
     * Writers on several threads, each request in its own draft, with names shared between them and names of
     * their own, so that provisional ids collide and records are re-encoded: every event must read back as it
     * was written, and the dictionary must hold exactly the names of stored events.
     */
    @Test
    void concurrentDraftsCollideAndEveryEventReadsBackAsWritten() throws Exception {
        long seed = Long.getLong("names.seed", System.nanoTime() % 100_000);
        int threads = 4;
        int requests = 300;
        Set<String> expectedNames = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (EventStore store = EventStore.open(dir, options().build())) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<String>>> written = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                written.add(pool.submit(() -> {
                    Random random = new Random(seed * 31 + thread);
                    List<String> bodies = new ArrayList<>();
                    for (int r = 0; r < requests; r++) {
                        FieldDictionary draft = store.dictionary().draft();
                        boolean rejected = random.nextInt(5) == 0;
                        List<NewEvent> batch = new ArrayList<>();
                        List<String> jsons = new ArrayList<>();
                        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                            String json = "{\"shared" + random.nextInt(40) + "\":{\"t" + thread + "r" + r + "i" + i
                                    + "\":[{\"shared" + random.nextInt(40) + "x\":" + i + "}]},\"seq\":" + r + "}";
                            jsons.add(json);
                            batch.add(drafted(draft, "t" + thread, json).expectedVersion(rejected
                                    ? ExpectedVersion.exact(1_000_000) : ExpectedVersion.any()).build());
                        }
                        try {
                            store.append(batch);
                            assertThat(rejected).isFalse();
                            bodies.addAll(jsons);
                            for (String json : jsons) {
                                collectKeys(json, expectedNames);
                            }
                        } catch (ConcurrencyConflictException e) {
                            assertThat(rejected).as("seed %d", seed).isTrue();
                        }
                    }
                    return bodies;
                }));
            }
            pool.shutdown();
            List<List<String>> perThread = new ArrayList<>();
            for (Future<List<String>> f : written) {
                perThread.add(f.get());
            }
            for (int t = 0; t < threads; t++) {
                List<StoredEvent> events = store.query(Query.builder().entityId("t" + t).limit(10_000).build()).events();
                List<String> expected = perThread.get(t);
                assertThat(events).as("seed %d", seed).hasSize(expected.size());
                for (int i = 0; i < events.size(); i++) {
                    Record stored = events.get(i).payload();
                    assertThat(stored).as("seed %d, thread %d, event %d", seed, t, i)
                            .isEqualTo(JSON.parse(store.dictionary(), expected.get(i)));
                }
            }
            assertThat(new HashSet<>(store.dictionary().names())).as("seed %d", seed).isEqualTo(expectedNames);
        }
    }

    /**
     * Writer threads that each bring one new name per event, some events also using names already held, cross
     * the limit together: exactly as many events as there were free names are stored, each with its name, every
     * other one is refused with nothing stored, and a restart finds the same names.
     */
    @Test
    void concurrentWritersCrossTheLimitExactly() throws Exception {
        long seed = Long.getLong("names.seed", System.nanoTime() % 100_000);
        Random random = new Random(seed);
        int limit = 300 + random.nextInt(300);
        int threads = 8;
        int perThread = limit / threads + 40; // more attempts than free names, whatever the seed
        Set<String> stored = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        try (EventStore store = EventStore.open(dir, options().maxFieldNames(limit).build())) {
            store.append(drafted(store.dictionary().draft(), "seed", "{\"held0\":1,\"held1\":2}").build());
            int free = limit - 2;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            List<Thread> writers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            String name = "t" + thread + "n" + i;
                            String json = "{\"" + name + "\":" + i + ",\"held" + (i % 2) + "\":true}";
                            try {
                                store.append(drafted(store.dictionary().draft(), "t" + thread, json).build());
                                stored.add(name);
                            } catch (FieldNameLimitException e) {
                                refused.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(failures).as("seed %d", seed).isEmpty();
            String because = "seed " + seed + ", limit " + limit;
            assertThat(stored).as(because).hasSize(free);
            assertThat(refused.get()).as(because).isEqualTo(threads * perThread - free);
            assertThat(store.stats().fieldNames()).as(because).isEqualTo(limit);
            assertThat(store.stats().totalEvents()).as(because).isEqualTo(1 + free);
            assertThat(new HashSet<>(store.dictionary().names())).as(because)
                    .containsAll(stored).contains("held0", "held1").hasSize(limit);
        }
        try (EventStore store = EventStore.open(dir, options().maxFieldNames(limit).build())) {
            assertThat(store.stats().fieldNames()).isEqualTo(limit);
            Set<String> readBack = new HashSet<>();
            for (int t = 0; t < threads; t++) {
                for (StoredEvent e : store.query(Query.builder().entityId("t" + t).limit(10_000).build()).events()) {
                    collectKeys(e.payload().toJson(), readBack);
                }
            }
            readBack.removeAll(Set.of("held0", "held1"));
            assertThat(readBack).as("seed %d: every stored event reads back with its own name", seed).isEqualTo(stored);
            assertThatThrownBy(() -> store.append(drafted(store.dictionary().draft(), "a", "{\"late\":1}").build()))
                    .isInstanceOf(FieldNameLimitException.class);
        }
    }

    private static void collectKeys(String json, Set<String> out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]+)\":").matcher(json);
        while (m.find()) {
            out.add(m.group(1));
        }
    }

    /** The records of a {@code fields.dict}, read independently of the store's code. */
    record DictionaryRecords(List<String> names, int records) {
        static DictionaryRecords read(Path file) throws IOException {
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            in.position(FILE_HEADER);
            List<String> names = new ArrayList<>();
            int records = 0;
            while (in.hasRemaining()) {
                int length = in.getInt();
                in.getInt(); // CRC, checked by the store
                int end = in.position() + length;
                assertThat(in.getInt()).as("first id of record %d", records).isEqualTo(names.size());
                int count = in.getInt();
                for (int i = 0; i < count; i++) {
                    byte[] name = new byte[Short.toUnsignedInt(in.getShort())];
                    in.get(name);
                    names.add(new String(name, StandardCharsets.UTF_8));
                }
                assertThat(in.position()).isEqualTo(end);
                records++;
            }
            return new DictionaryRecords(names, records);
        }
    }
}
