package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.peregrine.store.log.SegmentRewriter;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM ({@link ScavengeCrashMain}) while it appends and scavenges the same store,
 * round after round. After every kill the store must open, hold no scavenge leftovers, and agree with
 * the model the test keeps from the child's acknowledgements: every retained event present by id with
 * its payload, in the raw log and through {@code get}; no expired event visible; and nothing but
 * removable events ever physically gone. At the end a scavenge in this JVM runs to completion: every
 * removable event of the sealed segments must be gone from the log, and the run must count as removed
 * exactly the events that were still there before it (nothing removed twice).
 *
 * <p>Where a kill lands is chosen by what the child has done, never by how long it ran, so that a
 * slow (loaded) machine changes only how long a round takes ({@link Kill}). The first round fills
 * {@value #FILLED_SEGMENTS} segments, so that every later round has sealed segments to rewrite; at
 * least two rounds are killed while a copy is being written and one right after a copy was renamed
 * into place; the others are drawn from the three kinds of kill.
 *
 * <p>Rounds: {@value #ROUNDS} by default (15 to 35 s), at least 4; more with
 * {@code -Dperegrine.scavenge.crash.rounds=<n>}. Seed: {@code -Dperegrine.scavenge.crash.seed=<seed>},
 * printed at the start and in every failure.
 */
class ScavengeCrashTest {

    private static final int ROUNDS = 10;
    /** Segments the first round waits for before its kill: the scavenge walks all but the newest two. */
    private static final int FILLED_SEGMENTS = 4;
    /**
     * The child's throttle in a {@link Kill#COPYING} round: a rewritten 64 KiB segment (some 30 to 60 KiB)
     * then sleeps 7 to 15 s in the throttle between its write and its fsync, so a kill up to
     * {@link #COPYING_KILL_WITHIN_MS} after the copy appeared lands while the copy is there.
     */
    private static final long SLOW_THROTTLE = 4L << 10;
    private static final int COPYING_KILL_WITHIN_MS = 1_000;
    private static final int INSTALLED_KILL_WITHIN_MS = 300;
    /** At most this many acknowledgements (from 1) before an {@link Kill#APPENDS} kill. */
    private static final int APPENDS_KILL_WITHIN = 1_000;
    /** How long the child may take to do what a round waits for: only a hung child takes as long. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    /** Where a round's kill lands. */
    private enum Kill {
        /** After a random number of further acknowledgements: amid the appends, the scavenge wherever it is. */
        APPENDS,
        /** While a copy ({@code *.seg.scavenge}) is there, at a random moment: written, paced, forced or checked. */
        COPYING,
        /** At a random moment soon after a copy was renamed into place: the rewrite must then be in the log. */
        INSTALLED
    }

    @TempDir
    Path tmp;

    /** One log entry the model knows of. */
    private record Entry(long position, UUID id, String entity, String type, long value, boolean tombstone) {
    }

    private final TreeMap<Long, Entry> log = new TreeMap<>();

    @Test
    void aKilledScavengeNeverLosesARetainedEvent() throws Exception {
        long seed = Long.getLong("peregrine.scavenge.crash.seed", System.nanoTime() % 100_000);
        int rounds = Math.max(4, Integer.getInteger("peregrine.scavenge.crash.rounds", ROUNDS));
        System.out.printf("scavenge crash: seed %d, %d rounds%n", seed, rounds);
        Random random = new Random(seed);
        Path data = tmp.resolve("data");
        List<Kill> plan = new ArrayList<>(List.of(Kill.COPYING, Kill.COPYING, Kill.INSTALLED));
        while (plan.size() < rounds - 1) {
            plan.add(Kill.values()[random.nextInt(Kill.values().length)]);
        }
        Collections.shuffle(plan, random);
        plan.addFirst(Kill.APPENDS);
        long physicallyRemoved = 0;
        int killedMidCopy = 0;
        for (int round = 0; round < rounds; round++) {
            Kill kill = plan.get(round);
            String context = "seed " + seed + ", round " + round + " (kill " + kill + ")";
            long throttle = kill == Kill.COPYING ? SLOW_THROTTLE : (16L << 10) * (1 + random.nextInt(8));
            List<String> lines;
            try (Child child = new Child(data, seed * 1000 + round, throttle, context)) {
                switch (kill) {
                    case APPENDS -> {
                        if (round == 0) {
                            child.awaitLog(n -> n.stream().filter(f -> f.endsWith(".seg")).count() >= FILLED_SEGMENTS,
                                    FILLED_SEGMENTS + " segments");
                        }
                        child.awaitAcks(child.acks() + 1 + random.nextInt(APPENDS_KILL_WITHIN));
                    }
                    case COPYING -> {
                        child.awaitLog(n -> !copies(n).isEmpty(), "a rewritten copy");
                        Thread.sleep(random.nextInt(COPYING_KILL_WITHIN_MS));
                    }
                    case INSTALLED -> {
                        Set<String> written = copies(child.awaitLog(n -> !copies(n).isEmpty(), "a rewritten copy"));
                        child.awaitLog(n -> !n.containsAll(written), "the copy renamed into place");
                        Thread.sleep(random.nextInt(INSTALLED_KILL_WITHIN_MS));
                    }
                }
                lines = child.kill();
            }
            lines.forEach(this::record);
            if (!copies(logFiles(data)).isEmpty()) {
                killedMidCopy++; // the kill came while a rewritten copy was being written or checked
            }
            long goneBefore = physicallyRemoved;
            try (EventStore store = EventStore.open(data, ScavengeCrashMain.options())) {
                physicallyRemoved = check(store, context);
            }
            if (kill == Kill.INSTALLED) {
                assertThat(physicallyRemoved).as(context + ": events gone after a copy was installed")
                        .isGreaterThan(goneBefore);
            }
        }
        try (EventStore store = EventStore.open(data, ScavengeCrashMain.options())) {
            String context = "seed " + seed + ", final scavenge";
            store.retention().startScavenge(0);
            ScavengeStatus status = store.retention().awaitScavenge(PATIENCE);
            assertThat(status.state()).as(context + ": " + status).isEqualTo(ScavengeStatus.State.FINISHED);
            long removed = check(store, context);
            assertThat(status.eventsRemoved()).as(context + ": the run counts as removed exactly the events still in "
                    + "the log before it (%d gone before, %d after)", physicallyRemoved, removed)
                    .isEqualTo(removed - physicallyRemoved);
            long[] bases = segmentBases(data);
            long sealedEnd = bases[bases.length - 2];
            Map<Long, StoredEvent> raw = raw(store);
            long removable = 0;
            for (Entry e : log.values()) {
                if (e.position < sealedEnd && !e.tombstone && !retained(e)) {
                    removable++;
                    assertThat(raw).as(context + ": removable event at %d is gone", e.position)
                            .doesNotContainKey(e.position);
                }
            }
            assertThat(removable).as(context + ": removable events in the sealed segments").isPositive();
            assertThat(removed).as(context + ": events removed").isGreaterThanOrEqualTo(removable);
            assertThat(killedMidCopy).as(context + ": rounds killed while a copy was being written").isPositive();
            System.out.printf("scavenge crash: seed %d: %d rounds (%s), %d killed while a copy was being written; "
                    + "%d entries, %d removed from the log (%d by the killed rounds)%n", seed, rounds, plan,
                    killedMidCopy, log.size(), removed, physicallyRemoved);
        }
    }

    /**
     * A child JVM running {@link ScavengeCrashMain} on the store, from its start (it has printed
     * {@code READY}) to its kill, and the lines it printed.
     */
    private final class Child implements AutoCloseable {

        private final Path data;
        private final Process process;
        private final String context;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;
        private int acks;
        private boolean closed;

        Child(Path data, long seed, long throttle, String context) throws Exception {
            this.data = data;
            this.context = context;
            String java = ProcessHandle.current().info().command().orElseThrow();
            process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    ScavengeCrashMain.class.getName(), data.toString(), Long.toString(seed), Long.toString(throttle))
                    .redirectError(tmp.resolve("child.err").toFile()).start();
            reader = Thread.ofPlatform().start(this::read);
            try {
                await(() -> !lines.isEmpty(), "READY");
            } catch (Throwable t) {
                close();
                throw t;
            }
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (this) {
                        lines.add(line);
                        acks += line.startsWith("ACK ") ? 1 : 0;
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the pipe closes when the child dies
            }
            synchronized (this) {
                closed = true;
                notifyAll();
            }
        }

        synchronized int acks() {
            return acks;
        }

        /** Waits until the child has acknowledged {@code count} events since it started. */
        void awaitAcks(int count) throws Exception {
            await(() -> acks >= count, count + " acknowledgements");
        }

        private synchronized void await(BooleanSupplier done, String what) throws Exception {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!done.getAsBoolean()) {
                giveUpIf(closed, deadline, what);
                wait(100);
            }
        }

        /** Polls the names in {@code log/} until {@code done} holds for them. @return those names */
        Set<String> awaitLog(Predicate<Set<String>> done, String what) throws Exception {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            for (Set<String> names = logFiles(data); ; names = logFiles(data)) {
                if (done.test(names)) {
                    return names;
                }
                giveUpIf(!process.isAlive(), deadline, what);
                Thread.sleep(2);
            }
        }

        private void giveUpIf(boolean died, long deadline, String what) throws IOException {
            if (died) {
                fail(context + ": the child died before " + what + "; " + childErrors());
            }
            if (System.nanoTime() > deadline) {
                fail(context + ": the child did not get to " + what + " in " + PATIENCE + "; " + childErrors());
            }
        }

        /** SIGKILLs the child. @return every line it printed */
        List<String> kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
            reader.join();
            synchronized (this) {
                return List.copyOf(lines);
            }
        }

        /** Kills the child if a failed wait left it running. */
        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static Set<String> logFiles(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data.resolve("log"))) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** @return the rewritten copies among the names in {@code log/} */
    private static Set<String> copies(Set<String> names) {
        return names.stream().filter(n -> n.endsWith(SegmentRewriter.TEMP_SUFFIX)).collect(Collectors.toSet());
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
