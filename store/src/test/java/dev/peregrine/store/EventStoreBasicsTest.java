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

class EventStoreBasicsTest {

    @TempDir
    Path dir;

    private StoreOptions small() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(64 * 1024).maxPayloadBytes(16 * 1024).build();
    }

    @Test
    void appendsQueriesAndReadsBackAfterRestart() {
        UUID id;
        try (EventStore store = EventStore.open(dir, small())) {
            AppendResult first = store.append(event(store, "user.created", "user-1", "{\"name\":\"Alice\",\"age\":30}").build());
            assertThat(first.position()).isEqualTo(1);
            assertThat(first.version()).isEqualTo(1);
            id = first.eventId();
            List<AppendResult> batch = store.append(List.of(
                    event(store, "user.updated", "user-1", "{\"age\":31}").build(),
                    event(store, "user.created", "user-2", "{\"name\":\"Bob\"}").build()));
            assertThat(batch).extracting(AppendResult::position).containsExactly(2L, 3L);
            assertThat(batch).extracting(AppendResult::version).containsExactly(2L, 1L);
            assertThat(batch.get(0).timestamp()).isAfterOrEqualTo(first.timestamp());

            QueryPage page = store.query(Query.builder().entityId("user-1").build());
            assertThat(page.events()).extracting(StoredEvent::position).containsExactly(1L, 2L);
            assertThat(store.get(id)).get().extracting(e -> e.payload().getString("name")).isEqualTo("Alice");
            assertThat(store.reconstruct("user-1", null).state().toJson()).isEqualTo("{\"name\":\"Alice\",\"age\":31}");
        }
        try (EventStore store = EventStore.open(dir, small())) {
            assertThat(store.lastPosition()).isEqualTo(3);
            assertThat(store.get(id)).get().extracting(e -> e.payload().toJson())
                    .isEqualTo("{\"name\":\"Alice\",\"age\":30}");
            assertThat(store.query(Query.builder().eventType("user.created").build()).events())
                    .extracting(StoredEvent::entityId).containsExactly("user-1", "user-2");
            AppendResult next = store.append(event(store, "user.updated", "user-2", "{\"x\":true}").build());
            assertThat(next.position()).isEqualTo(4);
            assertThat(next.version()).isEqualTo(2);
            assertThat(store.stats().totalEntities()).isEqualTo(2);
            assertThat(store.stats().totalEvents()).isEqualTo(4);
        }
    }

    @Test
    void rollsSegmentsAndKeepsPositionsGapless() {
        try (EventStore store = EventStore.open(dir, small())) {
            for (int i = 0; i < 2000; i++) {
                store.append(event(store, "t", "e" + (i % 7), "{\"i\":" + i + ",\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}").build());
            }
            assertThat(store.stats().segments()).isGreaterThan(3);
            List<StoredEvent> all = StoreInternals.read(store, 1, 5000);
            assertThat(all).hasSize(2000);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).position()).isEqualTo(i + 1);
                assertThat(all.get(i).payload().getLong("i")).isEqualTo(i);
            }
        }
        try (EventStore store = EventStore.open(dir, small())) {
            assertThat(StoreInternals.read(store, 1999, 10)).extracting(e -> e.payload().getLong("i")).containsExactly(1998L, 1999L);
            assertThat(store.streamVersion("e0")).isEqualTo(286);
        }
    }

    @Test
    void idempotentRetryReturnsOriginalAndDifferentContentFails() {
        try (EventStore store = EventStore.open(dir, small())) {
            UUID id = UUID.randomUUID();
            AppendResult a = store.append(event(store, "t", "e", "{\"a\":1}", id));
            AppendResult b = store.append(event(store, "t", "e", "{\"a\":1}", id));
            assertThat(b).isEqualTo(a);
            assertThat(store.lastPosition()).isEqualTo(1);
            assertThatThrownBy(() -> store.append(event(store, "t", "e", "{\"a\":2}", id)))
                    .isInstanceOf(DuplicateEventIdException.class).hasMessageContaining(id.toString());
        }
    }

    @Test
    void expectedVersionConflictsFailTheWholeBatch() {
        try (EventStore store = EventStore.open(dir, small())) {
            store.append(event(store, "t", "a", "{}").expectedVersion(ExpectedVersion.noStream()).build());
            assertThatThrownBy(() -> store.append(List.of(
                    event(store, "t", "b", "{}").build(),
                    event(store, "t", "a", "{}").expectedVersion(ExpectedVersion.exact(5)).build())))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class, e -> {
                        assertThat(e.entityId()).isEqualTo("a");
                        assertThat(e.actualVersion()).isEqualTo(1);
                    });
            assertThat(store.lastPosition()).isEqualTo(1);
            assertThat(store.streamVersion("b")).isZero();
            assertThatThrownBy(() -> store.append(event(store, "t", "z", "{}").expectedVersion(ExpectedVersion.exists()).build()))
                    .isInstanceOf(ConcurrencyConflictException.class);
            store.append(event(store, "t", "a", "{}").expectedVersion(ExpectedVersion.exact(1)).build());
            assertThat(store.streamVersion("a")).isEqualTo(2);
        }
    }

    @Test
    void rejectsInvalidEventsNamingTheField() {
        try (EventStore store = EventStore.open(dir, small())) {
            assertThatThrownBy(() -> store.append(event(store, "bad\u0007type", "e", "{}").build()))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("event_type"));
            assertThatThrownBy(() -> store.append(event(store, "t", "", "{}").build()))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("entity_id"));
            assertThatThrownBy(() -> store.append(event(store, "t", "a\u0001b", "{}").build()))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.getMessage()).contains("U+0001"));
            assertThatThrownBy(() -> store.append(event(store, "t", "x".repeat(129), "{}").build()))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("129");
            assertThatThrownBy(() -> store.append(event(store, "t".repeat(129), "e", "{}").build()))
                    .isInstanceOf(InvalidEventException.class);
            assertThatThrownBy(() -> store.append(event(store, "t", "e", "{\"big\":\"" + "x".repeat(20_000) + "\"}").build()))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("payload"));
            assertThatThrownBy(() -> store.append(List.of())).isInstanceOf(InvalidEventException.class);
            assertThatThrownBy(() -> store.append(List.of(event(store, "t", "a", "{}").build(),
                    event(store, "t", "b", "{}").build(), event(store, "bad\u0007type", "c", "{}").build())))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                        assertThat(e.eventIndex()).hasValue(2);
                        assertThat(e.field()).isEqualTo("event_type");
                    });
            assertThat(store.lastPosition()).isZero();
            store.append(event(store, "ok.type-1_x", "ünïcødé ✓", "{}").build());
            assertThat(store.query(Query.builder().entityId("ünïcødé ✓").build()).events()).hasSize(1);
        }
    }

    @Test
    void tombstoneHidesEventsAndRequiresNoStreamToRecreate() throws Exception {
        try (EventStore store = EventStore.open(dir, small())) {
            UUID id = store.append(event(store, "t", "a", "{\"x\":1}").build()).eventId();
            store.append(event(store, "t", "b", "{\"y\":1}").build());
            long tomb = store.tombstone("a");
            assertThat(tomb).isEqualTo(3);
            assertThat(store.query(Query.builder().build()).events()).extracting(StoredEvent::entityId).containsExactly("b");
            assertThat(store.get(id)).isEmpty();
            assertThat(store.streamVersion("a")).isZero();
            assertThatThrownBy(() -> store.reconstruct("a", null)).isInstanceOf(EntityDeletedException.class);
            assertThatThrownBy(() -> store.append(event(store, "t", "a", "{}").build())).isInstanceOf(EntityDeletedException.class);
            AppendResult again = store.append(event(store, "t", "a", "{\"z\":2}").expectedVersion(ExpectedVersion.noStream()).build());
            assertThat(again.version()).isEqualTo(1);
            assertThat(store.reconstruct("a", null).state().toJson()).isEqualTo("{\"z\":2}");
            assertThat(StoreInternals.read(store, 3, 1).get(0).isTombstone()).isTrue();
            store.awaitProjections(Duration.ofSeconds(10));
            assertThat(store.projection("entity_snapshots").orElseThrow().state("a").orElseThrow().toJson())
                    .isEqualTo("{\"z\":2}");
        }
        try (EventStore store = EventStore.open(dir, small())) {
            assertThat(store.streamVersion("a")).isEqualTo(1);
            assertThat(store.query(Query.builder().entityId("a").build()).events()).hasSize(1);
        }
    }
}
