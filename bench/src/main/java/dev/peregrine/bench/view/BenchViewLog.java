package dev.peregrine.bench.view;

import dev.peregrine.store.view.internal.ViewInput;
import dev.peregrine.store.view.internal.ViewLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The events a benchmark's views read back, kept in memory with an entity index: the benchmarks
 * measure view maintenance, not log reads. Tombstones are not kept (no benchmark replays one); an
 * as-of read over it sees the events only.
 */
final class BenchViewLog implements ViewLog {

    private final List<ViewInput> events = new ArrayList<>();
    private final Map<String, List<ViewInput>> byEntity = new HashMap<>();

    /** @param event appended, in position order */
    void append(ViewInput event) {
        events.add(event);
        byEntity.computeIfAbsent(event.entityId(), k -> new ArrayList<>()).add(event);
    }

    @Override
    public void liveEvents(String entityId, long before, Consumer<ViewInput> sink) {
        for (ViewInput e : byEntity.getOrDefault(entityId, List.of())) {
            if (e.position() < before) {
                sink.accept(e);
            }
        }
    }

    @Override
    public void read(long from, long to, EntryVisitor visitor) {
        for (ViewInput e : events) {
            if (e.position() >= from && e.position() <= to) {
                visitor.event(e);
            }
        }
    }
}
