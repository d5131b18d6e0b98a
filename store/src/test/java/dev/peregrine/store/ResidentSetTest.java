package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.record.RecordBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store releases its mapped files' pages from the process's resident set
 * ({@link StoreOptions#releaseResidentEvery}), measured where the kernel counts them: the {@code Rss}
 * of this process's mappings of the store's files in {@code /proc/self/smaps}. After every event has
 * been read (so every page of the log and the indexes was mapped), a store with releases drops to
 * almost nothing resident, one without keeps the log resident (so the measurement does see pages),
 * and every event reads back unchanged after a release.
 */
class ResidentSetTest {

    private static final int EVENTS = 200_000;
    private static final int ENTITIES = 500;
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    @Test
    void releasedPagesLeaveTheResidentSetAndReadBackUnchanged() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/smaps")), "needs /proc/self/smaps (Linux)");
        Path data = dir.resolve("released");
        try (EventStore store = EventStore.open(data, options(Duration.ofMillis(200)))) {
            List<UUID> ids = appendAll(store);
            readAll(store);
            Resident resident = awaitBelow(data, MIB, Duration.ofSeconds(20));
            assertThat(resident.log).as("log pages resident after a release").isLessThan(MIB);
            assertThat(resident.index).as("index pages resident after a release").isLessThan(MIB);
            // Nothing was lost: every event by query, and a sample by id and by entity.
            assertThat(readAll(store)).isEqualTo(EVENTS);
            for (int i = 0; i < ids.size(); i += 997) {
                Optional<StoredEvent> event = store.get(ids.get(i));
                assertThat(event).as("event %d by id", i).isPresent();
                assertThat(event.get().payload().getLong("i")).isEqualTo(i);
            }
            assertThat(store.streamVersion("e7")).isEqualTo(EVENTS / ENTITIES);
        }
    }

    @Test
    void withoutReleasesTheLogStaysResident() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/smaps")), "needs /proc/self/smaps (Linux)");
        Path data = dir.resolve("kept");
        try (EventStore store = EventStore.open(data, options(Duration.ZERO))) {
            appendAll(store);
            readAll(store);
            Thread.sleep(1_000);
            long written = store.stats().logBytesUsed();
            assertThat(resident(data).log).as("log pages resident, of %d bytes written", written)
                    .isGreaterThan(written / 2);
        }
    }

    /**
     * Releases every millisecond while a writer appends (writing the index tables through their
     * mappings) and readers look events up: a write racing a release must never be lost, and a read
     * never sees anything but what was written.
     */
    @Test
    void releasesRacingWritersAndReadersLoseNothing() throws Exception {
        Path data = dir.resolve("racing");
        try (EventStore store = EventStore.open(data, options(Duration.ofMillis(1)))) {
            List<UUID> ids = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    ids.addAll(appendAll(store));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    writing.set(false);
                }
            });
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                long seed = 31L * r;
                readers.add(Thread.ofPlatform().start(() -> {
                    java.util.Random random = new Random(seed);
                    try {
                        while (writing.get()) {
                            int known = ids.size();
                            if (known > 0) {
                                int i = random.nextInt(known);
                                StoredEvent event = store.get(ids.get(i)).orElseThrow(
                                        () -> new AssertionError("event " + i + " not found by id"));
                                assertThat(event.payload().getLong("i")).isEqualTo(i);
                            }
                            String entity = "e" + random.nextInt(ENTITIES);
                            for (StoredEvent event : store.query(Query.builder().entityId(entity).limit(50).build()).events()) {
                                assertThat("e" + (event.payload().getLong("i") % ENTITIES)).isEqualTo(entity);
                            }
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            writer.join();
            for (Thread reader : readers) {
                reader.join();
            }
            assertThat(failure.get()).as("a writer or reader failed").isNull();
            assertThat(readAll(store)).isEqualTo(EVENTS);
            for (int i = 0; i < ids.size(); i += 101) {
                assertThat(store.get(ids.get(i))).as("event %d by id", i).isPresent();
            }
            for (int e = 0; e < ENTITIES; e += 7) {
                assertThat(store.streamVersion("e" + e)).isEqualTo(EVENTS / ENTITIES);
            }
        }
    }

    private static StoreOptions options(Duration releaseEvery) {
        return StoreOptions.builder().durability(Durability.none()).releaseResidentEvery(releaseEvery).build();
    }

    private static List<UUID> appendAll(EventStore store) {
        List<UUID> ids = new ArrayList<>();
        List<NewEvent> batch = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            batch.add(NewEvent.builder().eventType("t" + (i % 3)).entityId("e" + (i % ENTITIES))
                    .payload(RecordBuilder.create(store.dictionary()).put("i", (long) i)
                            .put("note", "an event of some ordinary size, " + i).build()).build());
            if (batch.size() == 1_000) {
                store.append(batch).forEach(r -> ids.add(r.eventId()));
                batch.clear();
            }
        }
        return ids;
    }

    /** Reads every event's payload in position order and checks it; returns how many were read. */
    private static int readAll(EventStore store) {
        int read = 0;
        String cursor = null;
        do {
            Query.Builder query = Query.builder().limit(10_000);
            if (cursor != null) {
                query.cursor(cursor);
            }
            QueryPage page = store.query(query.build());
            for (StoredEvent event : page.events()) {
                assertThat(event.payload().getLong("i")).as("payload of position %d", event.position()).isEqualTo(read);
                read++;
            }
            cursor = page.nextCursor().orElse(null);
        } while (cursor != null);
        return read;
    }

    private static Resident awaitBelow(Path data, long bytes, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        Resident now = resident(data);
        while ((now.log >= bytes || now.index >= bytes) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = resident(data);
        }
        return now;
    }

    private static boolean isMappingHeader(String line) {
        int dash = line.indexOf('-');
        return dash > 0 && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private record Resident(long log, long index) {
    }

    /**
     * Sums the {@code Rss:} lines of this process's mappings of {@code data}'s log segments and of its
     * index scratch files (deleted once mapped: their paths end in {@code (deleted)}).
     */
    private static Resident resident(Path data) throws IOException {
        String prefix = data.toAbsolutePath().toString();
        long log = 0;
        long index = 0;
        String path = "";
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (isMappingHeader(line)) { // "start-end perms offset dev inode [path]"
                int slash = line.indexOf('/');
                path = slash > 0 ? line.substring(slash) : "";
            } else if (line.startsWith("Rss:") && path.startsWith(prefix)) {
                long bytes = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                if (path.endsWith(".seg")) {
                    log += bytes;
                } else if (path.contains("index-") && path.contains(".scratch")) {
                    index += bytes;
                }
            }
        }
        return new Resident(log, index);
    }
}
