package dev.peregrine.grpc.internal;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoredEvent;
import java.util.List;
import java.util.Optional;

/**
 * Reads of a stream or of {@code $all}, forwards or backwards, in pages of the store's queries
 * (which leave out tombstones and the events they hide), handing each event to a {@link Sink}.
 *
 * <p>Costs: every read examines only what it returns (plus the events that retention hides
 * among them): a stream read starts at its revision through the entity index
 * ({@link Query.Builder#fromVersion}), and a backwards stream read takes windows of versions below
 * its start, newest first.
 */
final class LogReads {
    /** Events per store query. */
    static final int PAGE = 512;

    /** Receives the events of a read. */
    interface Sink {
        /** @return whether to go on */
        boolean accept(StoredEvent event) throws InterruptedException;
    }

    private final EventStore store;

    LogReads(EventStore store) {
        this.store = store;
    }

    /**
     * A stream forwards, from {@code fromRevision} (inclusive), at most {@code count} events, none after
     * position {@code upTo}.
     *
     * @return how many events were handed over
     */
    long streamForwards(String stream, long fromRevision, long count, long upTo, Sink sink) throws InterruptedException {
        if (fromRevision == Long.MAX_VALUE) {
            return 0; // the stream's end: a version no event has
        }
        long sent = 0;
        Optional<String> cursor = Optional.empty();
        do {
            QueryPage page = store.query(Query.builder().entityId(stream).fromVersion(Math.max(1, fromRevision + 1))
                    .limit(PAGE).cursor(cursor.orElse(null)).build());
            for (StoredEvent event : page.events()) {
                if (event.position() > upTo || sent == count) {
                    return sent;
                }
                sent++;
                if (!sink.accept(event)) {
                    return sent;
                }
            }
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        return sent;
    }

    /**
     * A stream backwards from {@code fromRevision} (inclusive; {@code Long.MAX_VALUE} for its end), at
     * most {@code count} events: windows of versions, each the size still wanted, from the newest
     * down, so that events retention hides are made up for by older ones.
     */
    void streamBackwards(String stream, long fromRevision, long count, Sink sink) throws InterruptedException {
        long sent = 0;
        long high = Math.min(fromRevision, store.streamVersion(stream) - 1) + 1; // a version, inclusive
        while (high >= 1 && sent < count) {
            long low = Math.max(1, high - Math.min(count - sent, PAGE) + 1);
            List<StoredEvent> window = store.query(Query.builder().entityId(stream).fromVersion(low)
                    .limit((int) (high - low + 1)).build()).events();
            for (int i = window.size() - 1; i >= 0 && sent < count; i--) {
                StoredEvent event = window.get(i);
                if (event.version() > high) {
                    continue;
                }
                sent++;
                if (!sink.accept(event)) {
                    return;
                }
            }
            high = low - 1;
        }
    }

    /** {@code $all} forwards from position {@code from} (inclusive): the events {@code filter} passes, at most {@code count}. */
    void allForwards(long from, long count, EventFilter filter, Sink sink) throws InterruptedException {
        long sent = 0;
        Optional<String> cursor = Optional.empty();
        do {
            QueryPage page = store.query(Query.builder().fromPosition(Math.max(1, from)).limit(PAGE)
                    .cursor(cursor.orElse(null)).build());
            for (StoredEvent event : page.events()) {
                if (sent == count) {
                    return;
                }
                if (filter.test(event)) {
                    sent++;
                    if (!sink.accept(event)) {
                        return;
                    }
                }
            }
            cursor = page.nextCursor();
        } while (cursor.isPresent());
    }

    /**
     * {@code $all} backwards from before position {@code before} (exclusive, as KurrentDB's backward
     * paging resumes from the last event it returned). Positions are gapless, so each window of
     * {@value #PAGE} positions below the previous one is one query.
     */
    void allBackwards(long before, long count, EventFilter filter, Sink sink) throws InterruptedException {
        long sent = 0;
        long high = Math.min(before - 1, store.lastPosition());
        while (high >= 1) {
            long low = Math.max(1, high - PAGE + 1);
            List<StoredEvent> window = store.query(Query.builder().fromPosition(low).limit(PAGE).build()).events();
            for (int i = window.size() - 1; i >= 0; i--) {
                StoredEvent event = window.get(i);
                if (event.position() > high || !filter.test(event)) {
                    continue;
                }
                if (sent == count) {
                    return;
                }
                sent++;
                if (!sink.accept(event)) {
                    return;
                }
            }
            high = low - 1;
        }
    }
}
