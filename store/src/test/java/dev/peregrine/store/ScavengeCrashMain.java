package dev.peregrine.store;

import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.retention.RetentionRule;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The child JVM of {@link ScavengeCrashTest}: appends small batches (printing {@code ACK} for each
 * event and {@code TOMB} for each tombstone once the call returned) while scavenges run back to back,
 * throttled to the rate the parent chose, in the background. Runs until it is killed.
 *
 * <p>The rules ({@link #RULES}) make three kinds of event removable: every {@code temp} event (max age
 * 1 ms), all but the newest {@value #KEEP} events of each {@code c-} entity, and events of a {@code d-}
 * entity before its tombstone. Events of {@code k-} entities of other types are kept for ever.
 */
public final class ScavengeCrashMain {

    /** Events kept per {@code c-} entity. */
    static final int KEEP = 3;
    /** The rules the child sets on a new store. */
    static final List<RetentionRule> RULES = List.of(
            RetentionRule.builder("temp-1ms").eventType("temp").maxAge(Duration.ofMillis(1)).build(),
            RetentionRule.builder("c-newest").entityIdPrefix("c-").maxCount(KEEP).build());
    static final String[] ENTITIES = {"k-1", "k-2", "c-1", "c-2", "c-3", "d-1", "d-2"};
    static final String PAD = "x".repeat(200);

    private ScavengeCrashMain() {
    }

    static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(64 * 1024).snapshotEvery(5).build();
    }

    /** @param args data directory, seed, the scavenges' throttle in bytes per second */
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        long throttle = Long.parseLong(args[2]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        EventStore store = EventStore.open(data, options());
        if (store.retention().rules().isEmpty()) {
            RULES.forEach(store.retention()::putRule);
        }
        out.println("READY");
        while (true) {
            if (!store.retention().scavengeStatus().state().active()) {
                store.retention().startScavenge(throttle);
            }
            String entity = ENTITIES[random.nextInt(ENTITIES.length)];
            if (entity.startsWith("d-") && random.nextInt(6) == 0) {
                try {
                    out.println("TOMB " + store.tombstone(entity) + " " + entity);
                } catch (EntityNotFoundException | EntityDeletedException nothingToDelete) {
                    // no events yet, or deleted already
                }
                continue;
            }
            List<NewEvent.Builder> builders = new ArrayList<>();
            List<Integer> values = new ArrayList<>();
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                int v = random.nextInt(1_000_000);
                values.add(v);
                builders.add(NewEvent.builder().eventId(UUID.randomUUID()).entityId(entity)
                        .eventType(random.nextInt(4) == 0 ? "temp" : "keep")
                        .payload(JsonCodec.defaults().parse(store.dictionary(), "{\"v\":" + v + ",\"pad\":\"" + PAD + "\"}")));
            }
            List<NewEvent> batch = builders.stream().map(NewEvent.Builder::build).toList();
            List<AppendResult> results;
            try {
                results = store.append(batch);
            } catch (EntityDeletedException deleted) {
                builders.getFirst().expectedVersion(ExpectedVersion.noStream()); // re-creates the stream
                batch = builders.stream().map(NewEvent.Builder::build).toList();
                results = store.append(batch);
            }
            for (int i = 0; i < results.size(); i++) {
                NewEvent e = batch.get(i);
                out.println("ACK " + results.get(i).position() + " " + e.eventId() + " " + entity + " " + e.eventType()
                        + " " + values.get(i));
            }
            Thread.sleep(1);
        }
    }
}
