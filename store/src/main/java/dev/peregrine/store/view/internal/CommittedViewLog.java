package dev.peregrine.store.view.internal;

import dev.peregrine.store.follow.CommittedLog;
import java.util.function.Consumer;

/**
 * A {@link ViewLog} over the store's committed log: entries through {@link CommittedLog#read}, an
 * entity's live events through {@link CommittedLog#readLive} (the entity index). Each call reads
 * through cursors of its own, so a tombstone met while a stretch is replayed can read its entity's
 * events meanwhile. Thread-safe (stateless beyond the log).
 *
 * @param log the store's committed log
 */
record CommittedViewLog(CommittedLog log) implements ViewLog {

    @Override
    public void liveEvents(String entityId, long before, Consumer<ViewInput> sink) {
        EntryInput in = new EntryInput();
        log.readLive(entityId, before, e -> sink.accept(in.of(e)));
    }

    @Override
    public void read(long from, long to, EntryVisitor visitor) {
        if (from > to) {
            return;
        }
        EntryInput in = new EntryInput();
        log.read(from, to, e -> {
            if (e.isTombstone()) {
                visitor.tombstone(e.entityId(), e.position());
            } else {
                visitor.event(in.of(e));
            }
        });
    }
}
