package dev.peregrine.store;

import static dev.peregrine.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Query.Builder#offset} skips matching events before the page on every path (entity index,
 * type index, log scan, with time and tenant filters), and the page's cursor continues right after the
 * last event returned: an offset page equals the matching events' sublist, and paging from it reaches
 * exactly the rest.
 */
class QueryOffsetTest {

    private static final long SEED = 0x0FF5_E707L;
    private static final int MAX_LIMIT = 40;

    @TempDir
    Path dir;

    @Test
    void anOffsetPageIsTheSublistOfTheMatchesOnEveryPath() {
        Random rnd = new Random(SEED);
        StoreOptions options = StoreOptions.builder().durability(Durability.none()).maxQueryLimit(MAX_LIMIT).build();
        try (EventStore store = EventStore.open(dir, options)) {
            for (int half = 0; half < 2; half++) {
                List<NewEvent> events = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    // e3 only before its tombstone: its hidden events must not count towards an offset.
                    events.add(event(store, "t" + rnd.nextInt(3), "e" + rnd.nextInt(4 - half), "{\"i\":" + i + "}")
                            .tenantId("tenant" + rnd.nextInt(2)).build());
                }
                store.append(events);
                if (half == 0) {
                    store.tombstone("e3");
                }
            }
            List<Consumer<Query.Builder>> filters = List.of(
                    b -> b.entityId("e1"), b -> b.eventType("t2"), b -> { }, b -> b.tenantId("tenant1"),
                    b -> b.eventType("t0").tenantId("tenant0"), b -> b.entityId("e3"));
            for (int round = 0; round < 200; round++) {
                Consumer<Query.Builder> filter = filters.get(rnd.nextInt(filters.size()));
                List<Long> all = everything(store, filter);
                int offset = rnd.nextInt(MAX_LIMIT + 1);
                int limit = 1 + rnd.nextInt(MAX_LIMIT);
                Query.Builder b = Query.builder().offset(offset).limit(limit);
                filter.accept(b);
                QueryPage page = store.query(b.build());
                List<Long> expected = all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()));
                assertThat(page.events()).extracting(StoredEvent::position)
                        .as("seed %d, round %d, offset %d, limit %d", SEED, round, offset, limit)
                        .containsExactlyElementsOf(expected);
                List<Long> rest = new ArrayList<>();
                for (String cursor = page.nextCursor().orElse(null); cursor != null; ) {
                    Query.Builder next = Query.builder().limit(MAX_LIMIT).cursor(cursor);
                    filter.accept(next);
                    QueryPage more = store.query(next.build());
                    more.events().forEach(e -> rest.add(e.position()));
                    cursor = more.nextCursor().orElse(null);
                }
                assertThat(rest).as("seed %d, round %d: the cursor continues after the page", SEED, round)
                        .containsExactlyElementsOf(all.subList(Math.min(offset + limit, all.size()), all.size()));
            }
        }
    }

    @Test
    void anOffsetIsAtLeastZeroAndAtMostThePageLimit() {
        StoreOptions options = StoreOptions.builder().durability(Durability.none()).maxQueryLimit(MAX_LIMIT).build();
        try (EventStore store = EventStore.open(dir, options)) {
            assertThatThrownBy(() -> Query.builder().offset(-1)).isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("offset");
            assertThat(store.query(Query.builder().offset(MAX_LIMIT).build()).events()).isEmpty();
            assertThatThrownBy(() -> store.query(Query.builder().offset(MAX_LIMIT + 1).build()))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("offset"));
        }
    }

    /** Every match of the filter, paged through without an offset. */
    private static List<Long> everything(EventStore store, Consumer<Query.Builder> filter) {
        List<Long> all = new ArrayList<>();
        String cursor = null;
        do {
            Query.Builder b = Query.builder().limit(MAX_LIMIT).cursor(cursor);
            filter.accept(b);
            QueryPage page = store.query(b.build());
            page.events().forEach(e -> all.add(e.position()));
            cursor = page.nextCursor().orElse(null);
        } while (cursor != null);
        return all;
    }
}
