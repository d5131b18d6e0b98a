package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.framing.DamageChecks;
import dev.peregrine.store.framing.FramingDescriptor;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.ConsumerStrategy;
import dev.peregrine.store.subscription.DurableSubscription;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.ParkedEvent;
import dev.peregrine.store.subscription.SubscriptionFilter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store directory whose files the previous release wrote, each built here byte by byte from that
 * release's layouts (the three framings this one replaced). What {@code docs/storage-format.md}
 * promises per file: {@code fields.dict}, subscription and consumer-group state and view definitions
 * are read and upgraded; the index checkpoint, snapshots, projection checkpoints and view state are
 * discarded and rebuilt from the log; every answer of the store is the same as before.
 */
class PreviousReleaseFilesTest {

    @TempDir
    Path dir;

    // ---- the previous release's layouts ----

    /** Whole files (index and projection checkpoints): magic (8), version 1 (u32), reserved (u32), body, body length (u64), "PRGN", CRC-32C of every byte before it. */
    private static byte[] oldCheckpoint(String magic, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(0).put(body).putLong(body.length)
                .put("PRGN".getBytes(StandardCharsets.US_ASCII));
        b.putInt(DamageChecks.crc(b.array(), b.position()));
        return b.array();
    }

    /** Append-only files (dictionary, snapshots): magic (8), version (u32), CRC-32C of [0, 12), records framed as today. */
    private static byte[] oldRecords(String magic, int version, byte[] records) {
        ByteBuffer b = ByteBuffer.allocate(16 + records.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(version);
        b.putInt(DamageChecks.crc(b.array(), 12)).put(records);
        return b.array();
    }

    /** View and subscription state: their own 4-byte magic, u16 version 1, content, CRC-32C of every byte before it. */
    private static byte[] oldState(String magic, byte[] afterVersion) {
        ByteBuffer b = ByteBuffer.allocate(6 + afterVersion.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(magic.getBytes(StandardCharsets.US_ASCII)).putShort((short) 1).put(afterVersion);
        b.putInt(DamageChecks.crc(b.array(), b.position()));
        return b.array();
    }

    /** A subscription state's content as both releases lay it out: kind, position, parked entries. */
    private static byte[] subscriptionContent(short kind, long position, List<ParkedEvent> parked) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(kind).putLong(position).putInt(parked.size());
        for (ParkedEvent p : parked) {
            b.putLong(p.position()).putInt(p.attempts());
            for (String s : new String[] {p.entityId(), p.eventType(), p.reason()}) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                b.putInt(utf8.length).put(utf8);
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    // ---- the bodies this release wrote, which those layouts carried unchanged ----

    private static int headerLength(Path file) throws IOException {
        byte[] start = Files.readAllBytes(file);
        return FramingDescriptor.headerLength(start[FramingDescriptor.NAME_LENGTH_OFFSET]);
    }

    private static byte[] wholeBody(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return Arrays.copyOfRange(bytes, headerLength(file), bytes.length - FramingDescriptor.FOOTER_LENGTH);
    }

    private static byte[] records(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return Arrays.copyOfRange(bytes, headerLength(file), bytes.length);
    }

    private static boolean framed(Path file) throws IOException {
        return Arrays.equals(Arrays.copyOf(Files.readAllBytes(file), 4), "PRGF".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aStoreOfThePreviousReleaseOpensWithTheSameAnswersReadingWhatIsNotDerived() throws Exception {
        StoreFiles.writeEveryFile(dir);
        String expected;
        try (EventStore store = EventStore.open(dir, StoreFiles.options())) {
            expected = StoreFiles.answers(store);
        }
        Path dict = dir.resolve("fields.dict");
        Path index = dir.resolve("index.ckpt");
        Path snapshots = dir.resolve("snapshots.dat");
        Path counters = dir.resolve("projections/event_counters.ckpt");
        Path states = dir.resolve("projections/entity_snapshots.ckpt");
        Path viewState = dir.resolve("views/totals.view");
        Path definition = dir.resolve("views/totals.def");
        Path subscriptions = Files.createDirectories(dir.resolve("subscriptions"));
        Files.write(dict, oldRecords("PRGNDICT", 1, records(dict)));
        Files.write(snapshots, oldRecords("PRGNSNAP", 1, records(snapshots)));
        Files.write(index, oldCheckpoint("PRGNIDX\0", wholeBody(index)));
        Files.write(counters, oldCheckpoint("PRGNPROJ", wholeBody(counters)));
        Files.write(states, oldCheckpoint("PRGNPROJ", wholeBody(states)));
        byte[] viewBody = wholeBody(viewState);
        ByteBuffer flagsAndBody = ByteBuffer.allocate(2 + viewBody.length).putShort((short) 0).put(viewBody);
        Files.write(viewState, oldState("PVWS", flagsAndBody.array()));
        Files.writeString(dir.resolve("views/totals.json"), new String(wholeBody(definition), StandardCharsets.UTF_8));
        Files.delete(definition);
        Files.write(subscriptions.resolve("billing.sub"), oldState("PSUB", subscriptionContent((short) 1, 7, List.of())));
        List<ParkedEvent> parked = List.of(new ParkedEvent(3, "e2", "t0", 4, "handler failed ⚠"),
                new ParkedEvent(6, "e1", "t1", 2, ""));
        Files.write(subscriptions.resolve("workers.group"), oldState("PSUB", subscriptionContent((short) 2, 9, parked)));
        for (Path f : List.of(dict, snapshots, index, counters, states, viewState)) {
            assertThat(framed(f)).as("%s is in the previous release's layout", f).isFalse();
        }

        try (EventStore store = EventStore.open(dir, StoreFiles.options())) {
            assertThat(StoreFiles.answers(store)).isEqualTo(expected);
            assertThat(store.diagnostics().recovery().entriesReplayed()).as("the old index checkpoint was not used")
                    .isEqualTo(StoreFiles.EVENTS);
            assertThat(framed(dict)).as("fields.dict upgraded on open").isTrue();
            assertThat(framed(snapshots)).as("the old snapshots were discarded").isTrue();
            assertThat(records(snapshots)).as("no old snapshot was kept").isEmpty();
            assertThat(dir.resolve("views/totals.json")).doesNotExist();
            assertThat(framed(definition)).as("the view definition upgraded").isTrue();

            DurableSubscription billing = store.subscriptions().durable("billing", SubscriptionFilter.ALL, e -> { });
            assertThat(billing.acknowledgedPosition()).isEqualTo(7);
            billing.ack(8);
            assertThat(framed(subscriptions.resolve("billing.sub"))).as("rewritten at the next write").isTrue();
            billing.close();
            var workers = store.subscriptions().group("workers", GroupOptions.DEFAULTS);
            assertThat(workers.acknowledgedPosition()).isEqualTo(9);
            assertThat(workers.parked()).isEqualTo(parked);
        }
        try (EventStore store = EventStore.open(dir, StoreFiles.options())) {
            assertThat(StoreFiles.answers(store)).as("and again from the rewritten files").isEqualTo(expected);
            assertThat(store.diagnostics().recovery().entriesReplayed()).isZero();
            assertThat(store.subscriptions().durable("billing", SubscriptionFilter.ALL, e -> { }).acknowledgedPosition())
                    .isEqualTo(8);
        }
        for (Path f : List.of(dict, snapshots, index, counters, states, viewState, definition)) {
            assertThat(framed(f)).as("%s in this framing after a close", f).isTrue();
        }
    }

    /**
     * The release before consumer groups kept their options wrote {@code subscription-state} version 2:
     * this framing, with the body above and no options block. Such a group keeps its checkpoint and
     * parked events, takes the options it is opened with, and is rewritten as the current version at once, so a
     * later open finds them without being given any.
     */
    @Test
    void aGroupFromBeforeOptionsWerePersistedKeepsItsStateAndKeepsTheOptionsItIsOpenedWith() throws Exception {
        StoreFiles.writeEveryFile(dir);
        Path subscriptions = Files.createDirectories(dir.resolve("subscriptions"));
        Path file = subscriptions.resolve("workers.group");
        List<ParkedEvent> parked = List.of(new ParkedEvent(2, "e1", "t0", 5, "gave up"));
        byte[] body = subscriptionContent((short) 2, 6, parked);
        AtomicFile.write(file, FileFormat.of("subscription-state", 2, null), out -> out.put(body));
        assertThat(versionOf(file)).isEqualTo(2);
        GroupOptions chosen = GroupOptions.DEFAULTS.withMaxAttempts(2).withStrategy(ConsumerStrategy.PINNED);
        try (EventStore store = EventStore.open(dir, StoreFiles.options())) {
            ConsumerGroup workers = store.subscriptions().group("workers", chosen);
            assertThat(workers.acknowledgedPosition()).isEqualTo(6);
            assertThat(workers.parked()).isEqualTo(parked);
            assertThat(workers.options()).isEqualTo(chosen);
            assertThat(versionOf(file)).as("upgraded when opened").isEqualTo(4);
        }
        try (EventStore store = EventStore.open(dir, StoreFiles.options())) {
            ConsumerGroup workers = store.subscriptions().findGroup("workers").orElseThrow();
            assertThat(workers.options()).isEqualTo(chosen);
            assertThat(workers.parked()).isEqualTo(parked);
            try (GroupMember m = workers.join("m")) {
                assertThat(m.poll(Duration.ofSeconds(30)).orElseThrow().event().position())
                        .as("resumes after the old checkpoint").isEqualTo(7);
            }
        }
    }

    private static int versionOf(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
                .getInt(FramingDescriptor.versionOffset(bytes[FramingDescriptor.NAME_LENGTH_OFFSET]));
    }

    @Test
    void aPreviousReleaseFileThatIsDamagedOrOfAnUnknownVersionIsRefusedNamingIt() throws Exception {
        StoreFiles.writeEveryFile(dir);
        Path dict = dir.resolve("fields.dict");
        byte[] records = records(dict);
        Files.write(dict, oldRecords("PRGNDICT", 5, records));
        assertThatThrownBy(() -> EventStore.open(dir, StoreFiles.options()))
                .isInstanceOfSatisfying(UnsupportedFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(dict);
                    assertThat(e.found()).isEqualTo(5);
                });
        byte[] damaged = oldRecords("PRGNDICT", 1, records);
        damaged[10] ^= 1;
        Files.write(dict, damaged);
        assertThatThrownBy(() -> EventStore.open(dir, StoreFiles.options()))
                .isInstanceOfSatisfying(CorruptFileException.class, e -> {
                    assertThat(e.file()).isEqualTo(dict);
                    assertThat(e.offset()).isEqualTo(12);
                });
        Files.write(dict, oldRecords("PRGNDICT", 1, records));

        Path sub = Files.createDirectories(dir.resolve("subscriptions")).resolve("billing.sub");
        byte[] old = oldState("PSUB", subscriptionContent((short) 1, 7, List.of()));
        old[8] ^= 0x10;
        Files.write(sub, old);
        try (EventStore store = EventStore.open(dir, StoreFiles.options())) {
            assertThatThrownBy(() -> store.subscriptions().durable("billing", SubscriptionFilter.ALL, e -> { }))
                    .isInstanceOfSatisfying(CorruptFileException.class, e -> {
                        assertThat(e.file()).isEqualTo(sub);
                        assertThat(e.getMessage()).contains("CRC-32C");
                    });
        }
    }
}
