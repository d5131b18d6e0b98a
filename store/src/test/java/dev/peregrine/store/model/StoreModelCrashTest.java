package dev.peregrine.store.model;

import dev.peregrine.store.StoreInternals;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model run across real crashes: a child JVM ({@link ModelCrashChild}) runs seeded model
 * workloads from three threads under {@code fsync} and announces every request before submitting it
 * and every outcome after; the parent kills it with SIGKILL at a random moment, reopens the store and
 * checks, round after round on the same store:
 * <ul>
 *   <li>every entry in the log is an event or tombstone some child sent, with the content it sent,
 *       and no event id is stored twice;</li>
 *   <li>every acknowledged event is present with its acknowledged position, version and timestamp,
 *       every acknowledged tombstone too; nothing of a refused request is;</li>
 *   <li>each request's new events are all present at consecutive positions or all absent (batches
 *       are atomic, also when the kill hits them unacknowledged);</li>
 *   <li>versions in the log follow from the entries before them (counted since the last tombstone);</li>
 *   <li>the reopened store agrees with a model built from the log on everything
 *       ({@link StoreChecker#full}: ids, queries, states, snapshots, projections restarted from
 *       their checkpoints);</li>
 *   <li>re-sending stored requests (client ids) after the restart returns their original results
 *       and stores nothing.</li>
 * </ul>
 * Seed: {@code -Dperegrine.model.seed}; rounds: {@code -Dperegrine.model.crash.rounds} (default
 * {@value #ROUNDS}).
 */
class StoreModelCrashTest {

    /** System property: number of kill-and-verify rounds. */
    static final String ROUNDS_PROPERTY = "peregrine.model.crash.rounds";
    private static final int ROUNDS = 5;
    private static final int THREADS = 3;
    private static final int RETRIES_PER_ROUND = 300;

    @TempDir
    Path dir;
    /** Every line the children printed, kept to be saved if the run fails. */
    private final List<String> journal = new ArrayList<>();

    @Test
    void acknowledgedResultsSurviveSigkillAndRetriesStoreNothing() throws Exception {
        long seed = Long.getLong(StoreModelTest.SEED, System.nanoTime() % 1_000_000_000L);
        int rounds = Integer.getInteger(ROUNDS_PROPERTY, ROUNDS);
        System.out.printf("model crash run: seed %d, %d rounds (replay with -D%s=%d)%n", seed, rounds,
                StoreModelTest.SEED, seed);
        Random random = new Random(seed);
        Map<String, CrashJournal.Request> requests = new LinkedHashMap<>();
        int maxDelay = rounds > ROUNDS ? 2000 : 400;
        for (int round = 0; round < rounds; round++) {
            String context = "seed " + seed + " (replay with -D" + StoreModelTest.SEED + "=" + seed + "), round " + round;
            List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
            runChild(seed * 1000 + round, round, random.nextInt(maxDelay), requests, mismatches, context);
            try {
                assertThat(mismatches).as("the child's models agreed with the store").isEmpty();
                verify(requests, new Random(random.nextLong()));
            } catch (AssertionError e) {
                Path saved = Path.of("target", "model-crash-journal-" + seed + ".txt").toAbsolutePath();
                Files.write(saved, journal);
                throw new AssertionError(context + " (the children's output is in " + saved + "): " + e.getMessage(), e);
            }
        }
        long acknowledged = requests.values().stream().filter(r -> r.acked != null || r.tombstoneAcked > 0).count();
        System.out.printf("model crash run: %d requests announced, %d acknowledged, in %d rounds%n", requests.size(),
                acknowledged, rounds);
        assertThat(acknowledged).as("seed %d: the children had requests acknowledged", seed).isGreaterThan(rounds);
    }

    private void runChild(long childSeed, int round, int killAfterMillis, Map<String, CrashJournal.Request> requests,
                          List<String> mismatches, String context) throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        Path journalFile = dir.resolve("journal-" + round + ".txt");
        Process child = new ProcessBuilder(javaCommand, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ModelCrashChild.class.getName(), store().toString(), journalFile.toString(), Long.toString(childSeed),
                Integer.toString(THREADS))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // Kill at a random moment while appends are in flight, after the first acknowledgement of
            // this round (the JVM start alone takes longer than the delay).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!acknowledged(journalFile) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(killAfterMillis);
            assertThat(child.isAlive() && acknowledged(journalFile))
                    .as("%s: the child acknowledged appends and was still running", context).isTrue();
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, nothing flushed by the store
            child.waitFor();
        }
        List<String> lines = readLines(journalFile);
        Files.delete(journalFile);
        journal.add("ROUND " + round);
        journal.addAll(lines);
        for (String line : lines) {
            CrashJournal.apply(line, round, requests, mismatches);
        }
    }

    private static boolean acknowledged(Path journalFile) throws IOException {
        return Files.exists(journalFile)
                && readLines(journalFile).stream().anyMatch(l -> l.startsWith("ACK ") || l.startsWith("TACK "));
    }

    /** The journal's lines; a last line the kill cut short (even inside a character) is kept as it is. */
    private static List<String> readLines(Path journalFile) throws IOException {
        return new String(Files.readAllBytes(journalFile), StandardCharsets.UTF_8).lines().toList();
    }

    private Path store() {
        return dir.resolve("store");
    }

    /** Reopens the store and checks it against everything the children announced so far. */
    private void verify(Map<String, CrashJournal.Request> requests, Random random) {
        Map<UUID, CrashJournal.Request> owner = new HashMap<>();
        Map<UUID, StoreModel.Event> content = new HashMap<>();
        for (CrashJournal.Request r : requests.values()) {
            if (!r.sent) {
                continue;
            }
            for (StoreModel.Event e : r.events) {
                // The first request with an id that was not refused is the one that stored it (a
                // thread sends its requests one after the other; later ones are repeats).
                CrashJournal.Request o = owner.get(e.id());
                if (o == null || (o.failed && !r.failed)) {
                    owner.put(e.id(), r);
                }
                content.putIfAbsent(e.id(), e); // content is only ever changed by refused requests
            }
        }
        try (EventStore store = EventStore.open(store(), ModelCrashChild.options())) {
            System.out.printf("reopened at position %d; recovery: %s%n", store.lastPosition(), store.diagnostics().recovery());
            journal.add("REOPENED " + store.lastPosition() + " " + store.diagnostics().recovery());
            StoreModel model = new StoreModel();
            Map<CrashJournal.Request, List<Long>> stored = new HashMap<>();
            Map<String, Integer> tombstonesSent = new HashMap<>();
            requests.values().stream().filter(r -> r.sent && r.tombstone != null)
                    .forEach(r -> tombstonesSent.merge(r.tombstone, 1, Integer::sum));
            for (long p = 1; p <= store.lastPosition(); p += 1000) {
                for (StoredEvent e : StoreInternals.read(store, p, 1000)) {
                    replay(model, e, content, owner, stored, tombstonesSent);
                }
            }
            for (CrashJournal.Request r : requests.values()) {
                if (r.sent && r.tombstone == null) {
                    checkRequest(r, owner, stored.getOrDefault(r, List.of()), model);
                }
                if (r.tombstoneAcked > 0) {
                    StoreModel.Entry t = model.at(r.tombstoneAcked);
                    assertThat(t != null && t.tombstone() && t.entity().equals(r.tombstone))
                            .as("acknowledged tombstone of %s at %d is there", r.tombstone, r.tombstoneAcked).isTrue();
                }
            }
            model.reopened();
            StoreChecker checker = new StoreChecker(store, model, random);
            Workload queries = new Workload(random, model, "", true);
            List<Op.Find> finds = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                finds.add(queries.query());
            }
            checker.full(true, finds);
            retryStored(checker, requests, random);
        }
    }

    /** Adds one recovered entry to the model after checking it is one that was sent. */
    private static void replay(StoreModel model, StoredEvent e, Map<UUID, StoreModel.Event> content,
                               Map<UUID, CrashJournal.Request> owner, Map<CrashJournal.Request, List<Long>> stored,
                               Map<String, Integer> tombstonesSent) {
        if (e.isTombstone()) {
            assertThat(model.tombstones(e.entityId())).as("tombstone at %d of %s was sent", e.position(), e.entityId())
                    .isLessThan(tombstonesSent.getOrDefault(e.entityId(), 0));
            assertThat(model.version(e.entityId())).as("tombstone at %d deletes a live %s", e.position(), e.entityId())
                    .isPositive();
            model.addTombstone(e.entityId(), e.position(), e.timestampNanos());
            return;
        }
        StoreModel.Event sent = content.get(e.id());
        assertThat(sent).as("event %s at %d was sent by a child", e.id(), e.position()).isNotNull();
        assertThat(model.stored(e.id())).as("id %s at %d stored once (also at %s)", e.id(), e.position(),
                model.stored(e.id())).isNull();
        StoreModel.Entry entry = model.addEvent(sent, e.position(), e.timestampNanos());
        StoreChecker.assertSame(e, entry, true);
        stored.computeIfAbsent(owner.get(e.id()), k -> new ArrayList<>()).add(e.position());
    }

    /** Atomicity and acknowledgement of one append request. */
    private static void checkRequest(CrashJournal.Request r, Map<UUID, CrashJournal.Request> owner, List<Long> present,
                                     StoreModel model) {
        long owned = r.events.stream().filter(e -> owner.get(e.id()) == r).map(StoreModel.Event::id).distinct().count();
        assertThat(present.size()).as("request %s: all or none of its %d new events (%s present)", r.key, owned, present)
                .isIn(0, (int) owned);
        for (int i = 1; i < present.size(); i++) {
            assertThat(present.get(i)).as("request %s: consecutive positions %s", r.key, present)
                    .isEqualTo(present.get(i - 1) + 1);
        }
        if (r.failed) {
            assertThat(present).as("request %s was refused: nothing of it is stored", r.key).isEmpty();
        }
        if (r.acked == null) {
            return;
        }
        assertThat(present).as("acknowledged request %s is stored", r.key).hasSize((int) owned);
        for (int i = 0; i < r.events.size(); i++) {
            long[] ack = r.acked.get(i);
            StoreModel.Entry e = model.at(ack[0]);
            assertThat(e).as("acknowledged event %d of %s at %d", i, r.key, ack[0]).isNotNull();
            assertThat(new long[] {e.position(), e.version(), e.nanos()}).as("acknowledged event %d of %s", i, r.key)
                    .containsExactly(ack);
            assertThat(e.id()).as("acknowledged event %d of %s: id", i, r.key).isEqualTo(r.events.get(i).id());
        }
    }

    /**
     * Sends stored requests again (those whose events all carry client ids, so that a retry is
     * idempotent): each must get the results it got the first time, and the log must not grow.
     */
    private static void retryStored(StoreChecker checker, Map<String, CrashJournal.Request> requests, Random random) {
        List<CrashJournal.Request> candidates = new ArrayList<>();
        for (CrashJournal.Request r : requests.values()) {
            boolean allClient = r.tombstone == null && r.sent && r.events.stream().allMatch(StoreModel.Event::clientId);
            boolean present = r.events.stream().allMatch(e -> checker.model().stored(e.id()) != null);
            if (allClient && present) {
                candidates.add(r);
            }
        }
        Collections.shuffle(candidates, random);
        long before = checker.store().lastPosition();
        for (CrashJournal.Request r : candidates.subList(0, Math.min(RETRIES_PER_ROUND, candidates.size()))) {
            assertThat(checker.append(r.events)).as("retry of %s stores nothing new", r.key).isEmpty();
        }
        assertThat(checker.store().lastPosition()).as("retries after the restart stored nothing").isEqualTo(before);
    }
}
