package dev.peregrine.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.peregrine.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurabilityTest {

    @TempDir
    Path dir;

    @Test
    void parsesTheTextualForms() {
        assertThat(Durability.parse("fsync")).isEqualTo(Durability.fsync());
        assertThat(Durability.parse(" NONE ")).isEqualTo(Durability.none());
        assertThat(Durability.parse("interval:25").interval()).contains(Duration.ofMillis(25));
        assertThat(Durability.parse("interval:25").toString()).isEqualTo("interval:25");
        assertThatThrownBy(() -> Durability.parse("interval:abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("abc");
        assertThatThrownBy(() -> Durability.parse("interval:0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durability.parse("sometimes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fsync', 'none' or 'interval:<ms>'");
    }

    @Test
    void fsyncForcesOncePerGroupCommitAndNoneNever() {
        try (EventStore store = EventStore.open(dir.resolve("fsync"), StoreOptions.builder()
                .durability(Durability.fsync()).build())) {
            for (int i = 0; i < 3; i++) {
                store.append(event(store, "a.b", "x", "{\"n\":" + i + "}").build());
            }
            StoreStats stats = store.stats();
            // Each blocking append is acknowledged after its own force; no append can share a force here.
            assertThat(stats.forces()).isGreaterThanOrEqualTo(3);
            assertThat(stats.forceNanos()).isPositive();
        }
        try (EventStore store = EventStore.open(dir.resolve("none"), StoreOptions.builder()
                .durability(Durability.none()).build())) {
            store.append(event(store, "a.b", "x", "{\"n\":1}").build());
            assertThat(store.stats().forces()).isZero();
            assertThat(store.stats().forceNanos()).isZero();
        }
    }

    @Test
    void intervalPolicyAcknowledgesAndPersists() {
        StoreOptions options = StoreOptions.builder().durability(Durability.parse("interval:5")).build();
        UUID id;
        try (EventStore store = EventStore.open(dir, options)) {
            List<AppendResult> results = store.append(List.of(
                    event(store, "a.b", "x", "{\"n\":1}").build(), event(store, "a.b", "y", "{\"n\":2}").build()));
            id = results.get(1).eventId();
        }
        try (EventStore store = EventStore.open(dir, options)) {
            assertThat(store.get(id)).get().extracting(e -> e.payload().getLong("n")).isEqualTo(2L);
        }
    }

    @Test
    void metadataRoundTripsAndTakesPartInIdempotency() {
        try (EventStore store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none()).build())) {
            UUID id = UUID.randomUUID();
            NewEvent withMeta = event(store, "t", "e", "{\"a\":1}").eventId(id)
                    .metadata(dev.peregrine.record.JsonCodec.defaults().parse(store.dictionary(), "{\"source\":\"test\"}"))
                    .tenantId("acme").build();
            AppendResult first = store.append(withMeta);
            assertThat(store.append(withMeta)).isEqualTo(first);
            assertThatThrownBy(() -> store.append(event(store, "t", "e", "{\"a\":1}").eventId(id).tenantId("acme").build()))
                    .isInstanceOf(DuplicateEventIdException.class);
            StoredEvent stored = store.get(id).orElseThrow();
            assertThat(stored.metadata()).get().extracting(m -> m.getString("source")).isEqualTo("test");
            assertThat(stored.tenantId()).isEqualTo("acme");
            assertThat(store.query(Query.builder().tenantId("default").build()).events()).isEmpty();
            assertThat(store.query(Query.builder().tenantId("acme").build()).events()).hasSize(1);
        }
    }

    @Test
    void closedStoreRejectsCallsWithStorageFailure() {
        EventStore store = EventStore.open(dir, StoreOptions.defaults());
        store.close();
        assertThatThrownBy(() -> store.append(event(store, "t", "e", "{}").build()))
                .isInstanceOf(StorageFailureException.class);
        assertThatThrownBy(() -> store.query(Query.builder().build())).isInstanceOf(StorageFailureException.class);
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefused() {
        try (EventStore store = EventStore.open(dir, StoreOptions.defaults())) {
            assertThat(store.lastPosition()).isZero();
            assertThatThrownBy(() -> EventStore.open(dir, StoreOptions.defaults()))
                    .isInstanceOf(StorageFailureException.class).hasMessageContaining("already open");
        }
    }

    @Test
    void closingWhileOthersAppendLeavesNoFutureUncompleted() throws Exception {
        EventStore store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none()).build());
        java.util.concurrent.ConcurrentLinkedQueue<java.util.concurrent.CompletableFuture<List<AppendResult>>> futures =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> writers = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            writers.add(Thread.ofPlatform().start(() -> {
                while (go.get()) {
                    futures.add(store.appendAsync(List.of(event(store, "t", "e", "{}").build())));
                }
            }));
        }
        Thread.sleep(100);
        store.close();
        go.set(false);
        for (Thread w : writers) {
            w.join();
        }
        long ok = 0;
        for (var f : futures) {
            try {
                f.get(10, java.util.concurrent.TimeUnit.SECONDS); // a hang fails here with TimeoutException
                ok++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(StorageFailureException.class);
            }
        }
        try (EventStore reopened = EventStore.open(dir, StoreOptions.defaults())) {
            assertThat(reopened.lastPosition()).as("every acknowledged append was stored").isEqualTo(ok);
        }
    }

    @Test
    void closingWhileOthersAppendBlockingLosesNoAcknowledgedAppend() throws Exception {
        // Blocking appends may run on their callers' threads; a close must still wait for them and
        // refuse the ones after it.
        EventStore store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none()).build());
        java.util.concurrent.atomic.AtomicLong acknowledged = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> unexpected = new java.util.concurrent.ConcurrentLinkedQueue<>();
        List<Thread> writers = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            writers.add(Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        store.append(event(store, "t", "e", "{}").build());
                        acknowledged.incrementAndGet();
                    }
                } catch (StorageFailureException closed) {
                    // the store closed under this writer: expected
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            }));
        }
        Thread.sleep(100);
        store.close();
        for (Thread w : writers) {
            w.join(10_000);
            assertThat(w.isAlive()).as("a writer still blocked after close").isFalse();
        }
        assertThat(unexpected).isEmpty();
        assertThat(acknowledged.get()).isPositive();
        try (EventStore reopened = EventStore.open(dir, StoreOptions.defaults())) {
            assertThat(reopened.lastPosition()).as("every acknowledged append was stored").isEqualTo(acknowledged.get());
        }
    }

    @Test
    void intervalPolicyForcesALoneAppendWithoutWaitingForTheNext() throws Exception {
        // A lone blocking append on an idle store runs on its caller's thread; the sequencer thread,
        // waiting with no deadline, must still be woken to force it when the interval is up.
        try (EventStore store = EventStore.open(dir, StoreOptions.builder()
                .durability(Durability.parse("interval:20")).build())) {
            store.append(event(store, "a.b", "x", "{\"n\":1}").build());
            for (int i = 0; i < 1_000 && store.stats().forces() == 0; i++) {
                Thread.sleep(10);
            }
            assertThat(store.stats().forces()).as("forces within 10 s of an interval:20 append").isPositive();
        }
    }
}
