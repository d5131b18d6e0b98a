package dev.peregrine.store;

import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.testing.SmallFileSystem;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The store on a real, full file system (ext4 on a loop device, and tmpfs): appends are refused with
 * nothing written, reads, queries, stats and subscriptions keep working, a store killed while the
 * disk is full reopens on the still-full disk (torn tail included) and serves reads, and once space is
 * freed appends resume without a restart. Every acknowledged event is checked by id after each step.
 */
class DiskFullTest {

    private static final int MAX_ATTEMPTS = 200_000; // bounds every fill loop (a few MiB fill in ~20K)

    @TempDir
    Path work;

    static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.fsync()).segmentBytes(256 * 1024).snapshotEvery(50).build();
    }

    /** A batch of 1–5 events of 100–600 bytes with client ids. */
    static List<NewEvent> batch(EventStore store, Random random) {
        int size = 1 + random.nextInt(5);
        List<NewEvent> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String json = "{\"n\":" + random.nextInt(1000) + ",\"pad\":\"" + "p".repeat(100 + random.nextInt(500)) + "\"}";
            events.add(NewEvent.builder().eventType("disk.test").entityId("e" + random.nextInt(20))
                    .eventId(new UUID(random.nextLong(), random.nextLong()))
                    .payload(JsonCodec.defaults().parse(store.dictionary(), json)).build());
        }
        return events;
    }

    @ParameterizedTest
    @EnumSource(SmallFileSystem.Kind.class)
    void refusesWhileFullKeepsServingReadsAndResumesOnceSpaceIsFreed(SmallFileSystem.Kind kind) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (SmallFileSystem fs = SmallFileSystem.mount(kind, 32, work)) {
            Path dir = fs.root().resolve("store");
            fs.fill(3 << 20);
            Map<UUID, Long> acked = new LinkedHashMap<>();
            List<UUID> refused = new ArrayList<>();
            EventStore store = EventStore.open(dir, options());
            Set<Long> delivered = ConcurrentHashMap.newKeySet();
            Subscription subscription = store.subscriptions().subscribe(StartPosition.at(1),
                    SubscriptionFilter.builder().build(), event -> delivered.add(event.position()));
            try {
                appendUntilRefused(store, random, acked, refused, seed);
                assertServesReads(store, acked, refused, seed);
                awaitDelivered(delivered, acked.size(), seed);
                subscription.close();

                // A clean stop and a reopen on the still-full disk.
                store.close();
                store = EventStore.open(dir, options());
                assertServesReads(store, acked, refused, seed);
                Set<Long> caughtUp = ConcurrentHashMap.newKeySet();
                subscription = store.subscriptions().subscribe(StartPosition.at(1), SubscriptionFilter.builder().build(),
                        event -> caughtUp.add(event.position()));
                awaitDelivered(caughtUp, acked.size(), seed);
                appendUntilRefused(store, random, acked, refused, seed); // still full: refused again

                fs.freeBallast();
                for (int i = 0; i < 20; i++) { // no restart: the same store writes again
                    for (AppendResult r : store.append(batch(store, random))) {
                        assertThat(r.position()).as("seed %d: gapless after the refusals", seed).isEqualTo(acked.size() + 1L);
                        acked.put(r.eventId(), r.position());
                    }
                }
                assertServesReads(store, acked, refused, seed);
                awaitDelivered(caughtUp, acked.size(), seed);
            } finally {
                subscription.close();
                store.close();
            }
            try (EventStore reopened = EventStore.open(dir, options())) {
                assertServesReads(reopened, acked, refused, seed);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SmallFileSystem.Kind.class)
    void killedWhileFullReopensOnTheFullDiskWithATornTail(SmallFileSystem.Kind kind) throws Exception {
        long seed = System.nanoTime();
        try (SmallFileSystem fs = SmallFileSystem.mount(kind, 32, work)) {
            Path dir = fs.root().resolve("store");
            fs.fill(3 << 20);
            Map<UUID, Long> acked = new ConcurrentHashMap<>();
            List<UUID> refused = new ArrayList<>();
            runChildUntilRefused(dir, seed, acked, refused);
            // As if the kill had interrupted a write: garbage after the last entry (written with a
            // little space, since even a write into allocated blocks may need some on ext4), then the
            // disk is filled to the last byte for the reopen.
            fs.freeBallast();
            tearTail(dir);
            fs.fill(0);
            try (EventStore store = EventStore.open(dir, options())) {
                assertServesReads(store, acked, refused, seed, false);
                Random random = new Random(seed + 1); // not the child's: its batches would be idempotent repeats
                Map<UUID, Long> more = new LinkedHashMap<>(acked);
                fs.freeBallast();
                long next = store.lastPosition() + 1;
                for (int i = 0; i < 20; i++) {
                    for (AppendResult r : store.append(batch(store, random))) {
                        assertThat(r.position()).as("seed %d", seed).isEqualTo(next++);
                        more.put(r.eventId(), r.position());
                    }
                }
                assertServesReads(store, more, refused, seed, false);
            }
        }
    }

    private static void appendUntilRefused(EventStore store, Random random, Map<UUID, Long> acked, List<UUID> refused,
                                           long seed) {
        int refusals = 0;
        for (int attempt = 0; attempt < MAX_ATTEMPTS && refusals < 20; attempt++) {
            List<NewEvent> batch = batch(store, random);
            try {
                for (AppendResult r : store.append(batch)) {
                    acked.put(r.eventId(), r.position());
                }
            } catch (StorageFailureException e) {
                assertThat(e.outcome()).as("seed %d: %s", seed, e.getMessage())
                        .isEqualTo(StorageFailureException.Outcome.NOT_WRITTEN);
                assertThat(e.diskFull()).as("seed %d: %s", seed, e.getMessage()).isTrue();
                batch.forEach(event -> refused.add(event.eventId()));
                refusals++;
            }
        }
        assertThat(refusals).as("seed %d: the disk filled up", seed).isEqualTo(20);
    }

    /** Every acknowledged event by id, none of the refused ones, stats and a full query that agree. */
    private static void assertServesReads(EventStore store, Map<UUID, Long> acked, List<UUID> refused, long seed) {
        assertServesReads(store, acked, refused, seed, true);
    }

    private static void assertServesReads(EventStore store, Map<UUID, Long> acked, List<UUID> refused, long seed,
                                          boolean exact) {
        for (Map.Entry<UUID, Long> e : acked.entrySet()) {
            var found = store.get(e.getKey());
            assertThat(found).as("seed %d: acknowledged %s", seed, e.getKey()).isPresent();
            assertThat(found.get().position()).as("seed %d", seed).isEqualTo(e.getValue());
        }
        for (UUID id : refused) {
            assertThat(store.get(id)).as("seed %d: refused %s", seed, id).isEmpty();
        }
        // A killed writer may have stored a batch whose acknowledgement it never printed: then the
        // store holds more than was acknowledged, never less, and its counters agree with each other.
        StoreStats stats = store.stats();
        assertThat(stats.lastPosition()).as("seed %d", seed).isEqualTo(store.lastPosition());
        assertThat(stats.totalEvents()).as("seed %d: stats count what is stored", seed).isEqualTo(stats.lastPosition());
        if (exact) {
            assertThat(stats.totalEvents()).as("seed %d: stats count what is stored", seed).isEqualTo(acked.size());
        }
        long seen = 0;
        String cursor = null;
        while (true) {
            Query.Builder query = Query.builder().eventType("disk.test").limit(1000);
            QueryPage page = store.query(cursor == null ? query.build() : query.cursor(cursor).build());
            for (StoredEvent event : page.events()) {
                if (exact || acked.containsKey(event.id())) {
                    assertThat(acked.get(event.id())).as("seed %d", seed).isEqualTo(event.position());
                }
                seen++;
            }
            if (page.nextCursor().isEmpty()) {
                break;
            }
            cursor = page.nextCursor().get();
        }
        assertThat(seen).as("seed %d: the query finds every event", seed).isEqualTo(stats.totalEvents());
    }

    private static void awaitDelivered(Set<Long> delivered, int expected, long seed) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (delivered.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(delivered).as("seed %d: the subscription delivers every event while writes fail", seed)
                .hasSize(expected);
    }

    private void runChildUntilRefused(Path dir, long seed, Map<UUID, Long> acked, List<UUID> refused) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DiskFullWriterMain.class.getName(), dir.toString(), Long.toString(seed))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int refusals = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (refusals < 10 && (line = in.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts[0].equals("ACK") && parts.length == 3) {
                    acked.put(UUID.fromString(parts[2]), Long.parseLong(parts[1]));
                } else if (parts[0].equals("REFUSED")) {
                    assertThat(Arrays.asList(parts).subList(parts.length - 2, parts.length))
                            .as("seed %d: refused with nothing written, disk full", seed).containsExactly("NOT_WRITTEN", "true");
                    for (int i = 1; i < parts.length - 2; i++) {
                        refused.add(UUID.fromString(parts[i]));
                    }
                    refusals++;
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL while the disk is full
            child.waitFor();
        }
        if (refusals < 10) {
            fail("seed %d: the child ended before the disk filled up (%d refusals)", seed, refusals);
        }
    }

    /** Writes non-zero bytes right after the last entry of the newest segment that holds any. */
    private static void tearTail(Path dir) throws Exception {
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            segments = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
        for (int i = segments.size() - 1; i >= 0; i--) {
            byte[] bytes = Files.readAllBytes(segments.get(i));
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] == 0) {
                end--;
            }
            if (end == 0) {
                continue; // the kill came between creating a segment and writing its header
            }
            int tail = Math.max((end + 7) & ~7, 64); // after the last entry, never inside the header
            byte[] garbage = new byte[100];
            Arrays.fill(garbage, (byte) 0x77);
            try (FileChannel channel = FileChannel.open(segments.get(i), StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(garbage), tail);
            }
            return;
        }
        fail("no segment holds entries");
    }
}
