package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.store.model.ModelJson;
import dev.peregrine.store.retention.ScavengeStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM ({@link ScavengeCrashMain}) at random moments while it appends and scavenges
 * the same store, round after round. After every kill the store must open, hold no scavenge leftovers,
 * and agree with the model the test keeps from the child's acknowledgements: every retained event
 * present by id with its payload, in the raw log and through {@code get}; no expired event visible;
 * and nothing but removable events ever physically gone. At the end a scavenge in this JVM runs to
 * completion and every removable event of the sealed segments must be gone from the log.
 *
 * <p>Rounds: {@value #ROUNDS} by default (about 30 s); more with
 * {@code -Dperegrine.scavenge.crash.rounds=<n>}. Seed: {@code -Dperegrine.scavenge.crash.seed=<seed>},
 * printed at the start and in every failure.
 */
class ScavengeCrashTest {

    private static final int ROUNDS = 8;

    @TempDir
    Path tmp;

    /** One log entry the model knows of. */
    private record Entry(long position, UUID id, String entity, String type, long value, boolean tombstone) {
    }

    private final TreeMap<Long, Entry> log = new TreeMap<>();

    @Test
    void aKilledScavengeNeverLosesARetainedEvent() throws Exception {
        long seed = Long.getLong("peregrine.scavenge.crash.seed", System.nanoTime() % 100_000);
        int rounds = Integer.getInteger("peregrine.scavenge.crash.rounds", ROUNDS);
        System.out.printf("scavenge crash: seed %d, %d rounds%n", seed, rounds);
        Random random = new Random(seed);
        Path data = tmp.resolve("data");
        String java = ProcessHandle.current().info().command().orElseThrow();
        long physicallyRemoved = 0;
        int killedMidCopy = 0;
        for (int round = 0; round < rounds; round++) {
            String context = "seed " + seed + ", round " + round;
            Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    ScavengeCrashMain.class.getName(), data.toString(), Long.toString(seed * 1000 + round))
                    .redirectError(tmp.resolve("child.err").toFile()).start();
            CountDownLatch ready = new CountDownLatch(1);
            List<String> lines = new ArrayList<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                        ready.countDown();
                    }
                } catch (IOException e) {
                    // the pipe closes when the child dies
                }
                ready.countDown();
            });
            assertThat(ready.await(60, TimeUnit.SECONDS) && child.isAlive()).as(context + ": the child runs; "
                    + childErrors()).isTrue();
            Thread.sleep(200 + random.nextInt(2_500)); // a random moment of the appends and scavenges
            child.destroyForcibly();
            child.waitFor();
            reader.join();
            lines.forEach(this::record);
            try (Stream<Path> files = Files.list(data.resolve("log"))) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(".scavenge"))) {
                    killedMidCopy++; // the kill came while a rewritten copy was being written or checked
                }
            }
            try (EventStore store = EventStore.open(data, ScavengeCrashMain.options())) {
                physicallyRemoved = check(store, context);
            }
        }
        try (EventStore store = EventStore.open(data, ScavengeCrashMain.options())) {
            String context = "seed " + seed + ", final scavenge";
            ScavengeStatus status = store.retention().startScavenge(0);
            status = store.retention().awaitScavenge(Duration.ofMinutes(2));
            assertThat(status.state()).as(context + ": " + status).isEqualTo(ScavengeStatus.State.FINISHED);
            long removed = check(store, context);
            long[] bases = segmentBases(data);
            long sealedEnd = bases.length >= 3 ? bases[bases.length - 2] : 1;
            Map<Long, StoredEvent> raw = raw(store);
            long removable = 0;
            for (Entry e : log.values()) {
                if (e.position < sealedEnd && !e.tombstone && !retained(e)) {
                    removable++;
                    assertThat(raw).as(context + ": removable event at %d is gone", e.position)
                            .doesNotContainKey(e.position);
                }
            }
            assertThat(removed).as(context + ": events removed").isGreaterThanOrEqualTo(removable).isPositive();
            System.out.printf("scavenge crash: seed %d: %d rounds, %d killed while a copy was being written; %d entries, "
                    + "%d removed from the log (%d by the killed rounds)%n", seed, rounds, killedMidCopy, log.size(), removed,
                    physicallyRemoved);
        }
    }

    private void record(String line) {
        String[] f = line.split(" ");
        switch (f[0]) {
            case "ACK" -> log.put(Long.parseLong(f[1]), new Entry(Long.parseLong(f[1]), UUID.fromString(f[2]), f[3], f[4],
                    Long.parseLong(f[5]), false));
            case "TOMB" -> log.put(Long.parseLong(f[1]), new Entry(Long.parseLong(f[1]), null, f[2], null, 0, true));
            default -> { }
        }
    }

    /**
     * Adds what the store holds beyond the child's acknowledgements (the batch in flight when it was
     * killed, whose call had not returned: it may or may not be there), then checks the store.
     *
     * @return how many entries of the model are physically gone
     */
    private long check(EventStore store, String context) throws IOException {
        try (Stream<Path> files = Files.list(store.directory().resolve("log"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".seg")).toList())
                    .as(context + ": nothing but segments in log/ after an open").isEmpty();
        }
        Map<Long, StoredEvent> raw = raw(store);
        long last = log.isEmpty() ? 0 : log.lastKey();
        assertThat(store.lastPosition()).as(context + ": every acknowledged position is there").isGreaterThanOrEqualTo(last);
        for (long p = last + 1; p <= store.lastPosition(); p++) {
            StoredEvent e = raw.get(p);
            assertThat(e).as(context + ": the unacknowledged entry %d is whole", p).isNotNull();
            boolean tombstone = e.eventType().equals(StoredEvent.TOMBSTONE_TYPE);
            log.put(p, new Entry(p, tombstone ? null : e.id(), e.entityId(), e.eventType(),
                    tombstone ? 0 : ((Number) ModelJson.readObject(e.payload().toJson()).get("v")).longValue(), tombstone));
        }
        long gone = 0;
        for (Entry e : log.values()) {
            StoredEvent stored = raw.get(e.position);
            if (e.tombstone) {
                assertThat(stored).as(context + ": tombstone at %d", e.position).isNotNull();
                continue;
            }
            Optional<StoredEvent> got = store.get(e.id);
            if (retained(e)) {
                assertThat(stored).as(context + ": retained event %s at %d is in the log", e.id, e.position).isNotNull();
                assertThat(stored.id()).as(context).isEqualTo(e.id);
                assertThat(got).as(context + ": retained event %s at %d by id", e.id, e.position).isPresent();
                assertThat(((Number) ModelJson.readObject(got.get().payload().toJson()).get("v")).longValue())
                        .as(context + ": payload of %d", e.position).isEqualTo(e.value);
            } else {
                assertThat(got).as(context + ": expired event %s at %d is not shown", e.id, e.position).isEmpty();
                if (stored == null) {
                    gone++;
                }
            }
        }
        return gone;
    }

    /** The model's rules, as {@link ScavengeCrashMain#RULES} set them. */
    private boolean retained(Entry e) {
        if (e.type.equals("temp")) {
            return false; // max age 1 ms: long past by now
        }
        boolean tombstoned = log.tailMap(e.position, false).values().stream()
                .anyMatch(o -> o.tombstone && o.entity.equals(e.entity));
        if (tombstoned) {
            return false;
        }
        if (e.entity.startsWith("c-")) {
            long newer = log.tailMap(e.position, false).values().stream()
                    .filter(o -> !o.tombstone && o.entity.equals(e.entity)).count();
            return newer < ScavengeCrashMain.KEEP;
        }
        return true;
    }

    private static Map<Long, StoredEvent> raw(EventStore store) {
        Map<Long, StoredEvent> out = new HashMap<>();
        for (StoredEvent e : StoreInternals.read(store, 1, (int) store.lastPosition())) {
            out.put(e.position(), e);
        }
        return out;
    }

    private static long[] segmentBases(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data.resolve("log"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - 4))).sorted().toArray();
        }
    }

    private String childErrors() throws IOException {
        Path err = tmp.resolve("child.err");
        return Files.exists(err) ? Files.readString(err) : "(none)";
    }
}
