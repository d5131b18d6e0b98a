package dev.peregrine.store.view.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A log kept in memory for engine tests: events and tombstones appended in position order, with an
 * entity index, read back as the store's {@link CommittedViewLog} would.
 */
final class MemoryViewLog implements ViewLog {

    /** One entry: an event, or a tombstone ({@code event == null}). */
    private record Entry(long position, String entityId, ViewInput event) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, List<Entry>> byEntity = new HashMap<>();

    void append(ViewInput event) {
        add(new Entry(event.position(), event.entityId(), event));
    }

    void tombstone(String entityId, long position) {
        add(new Entry(position, entityId, null));
    }

    private void add(Entry e) {
        if (!entries.isEmpty() && entries.getLast().position() >= e.position()) {
            throw new IllegalArgumentException("position " + e.position() + " after " + entries.getLast().position());
        }
        entries.add(e);
        byEntity.computeIfAbsent(e.entityId(), k -> new ArrayList<>()).add(e);
    }

    @Override
    public void liveEvents(String entityId, long before, Consumer<ViewInput> sink) {
        List<ViewInput> live = new ArrayList<>();
        for (Entry e : byEntity.getOrDefault(entityId, List.of())) {
            if (e.position() >= before) {
                break;
            }
            if (e.event() == null) {
                live.clear();
            } else {
                live.add(e.event());
            }
        }
        live.forEach(sink);
    }

    @Override
    public void read(long from, long to, EntryVisitor visitor) {
        for (Entry e : entries) {
            if (e.position() >= from && e.position() <= to) {
                if (e.event() == null) {
                    visitor.tombstone(e.entityId(), e.position());
                } else {
                    visitor.event(e.event());
                }
            }
        }
    }
}
