package dev.peregrine.store;

import static dev.peregrine.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A store that has written every kind of file beside its log (dictionary, index checkpoint,
 * snapshots, both built-in projections' checkpoints, a view's definition and state), and everything
 * it answers, for tests that damage or replace those files and require the same answers.
 */
final class StoreFiles {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final List<String> ENTITIES = List.of("e0", "e1", "e2", "e3");
    static final List<String> TYPES = List.of("t0", "t1");
    /** Events {@link #writeEveryFile} appends. */
    static final int EVENTS = 40;

    private StoreFiles() {}

    static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.none()).segmentBytes(256 * 1024).snapshotEvery(3)
                .followerCheckpointEvery(5).build();
    }

    /** Opens a store in {@code dir}, registers a view, appends 40 events, and closes it. */
    static void writeEveryFile(Path dir) throws Exception {
        try (EventStore store = EventStore.open(dir, options())) {
            store.views().register(ViewDefinition.fromJson("""
                    {"name": "totals", "group_by": ["g"], "aggregates": [{"fn": "sum", "field": "i"},
                     {"fn": "max", "field": "i"}]}"""), BackfillListener.NONE);
            for (int i = 0; i < EVENTS; i++) {
                store.append(event(store, TYPES.get(i % 2), ENTITIES.get(i % 4),
                        "{\"i\":" + i + ",\"g\":\"g" + i % 3 + "\",\"k" + i % 5 + "\":" + i + "}").build());
            }
            store.awaitProjections(WAIT);
            assertThat(store.views().get("totals").orElseThrow().awaitPosition(EVENTS, WAIT)).isTrue();
        }
        for (String f : List.of("fields.dict", "index.ckpt", "snapshots.dat", "projections/event_counters.ckpt",
                "projections/entity_snapshots.ckpt", "views/totals.view", "views/totals.def")) {
            assertThat(dir.resolve(f)).as("the store wrote %s", f).exists();
        }
    }

    /** Everything the store answers about its events. */
    static String answers(EventStore store) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String e : ENTITIES) {
            out.append(e).append(' ').append(positions(store.query(Query.builder().entityId(e).build())))
                    .append(" v").append(store.streamVersion(e)).append(' ')
                    .append(store.reconstruct(e, null).state().toJson()).append('\n');
        }
        for (String t : TYPES) {
            out.append(t).append(' ').append(positions(store.query(Query.builder().eventType(t).build()))).append('\n');
        }
        store.awaitProjections(WAIT);
        for (String t : TYPES) {
            out.append("count ").append(t).append(' ')
                    .append(store.projection("event_counters").orElseThrow().state(t).orElseThrow().toJson()).append('\n');
        }
        for (String e : ENTITIES) {
            out.append("snapshot ").append(e).append(' ')
                    .append(store.projection("entity_snapshots").orElseThrow().state(e).orElseThrow().toJson()).append('\n');
        }
        View view = store.views().get("totals").orElseThrow();
        assertThat(view.awaitPosition(store.lastPosition(), WAIT)).isTrue();
        out.append(view.read().rows());
        return out.toString();
    }

    private static List<Long> positions(QueryPage page) {
        return page.events().stream().map(StoredEvent::position).toList();
    }
}
