package dev.peregrine.store.internal;

import dev.peregrine.store.AppendResult;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.log.EntryFields;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * An append that passed its checks: the batch's events that are new, each with the stream version
 * the checks gave it, and the results of the events that are idempotent repeats of stored ones. Its
 * request completes with one result per event of the batch, in order. Sequencer thread only.
 */
final class PendingEvents implements PendingEntries<List<AppendResult>> {

    private List<PreparedEvent> events;
    /** One per event of the batch: set by the checks for repeats, by {@link #index} for new ones. */
    private final AppendResult[] results;
    /** Stream version of each new event, indexed like {@link #events}. */
    private final long[] versions;
    /** Batch index of each entry to write, or {@code null} when every event is new (entry i is event i). */
    private final int[] written;
    private final int count;
    private final int bytes;
    private Instant timestamp;

    /**
     * @param events the whole batch
     * @param results results of the repeats at their indexes, {@code null} for events to write
     * @param versions the stream version of each event to write
     * @param bytes bytes of log the events to write need
     */
    PendingEvents(List<PreparedEvent> events, AppendResult[] results, long[] versions, int bytes) {
        this.events = events;
        this.results = results;
        this.versions = versions;
        this.bytes = bytes;
        int n = 0;
        for (AppendResult r : results) {
            if (r == null) {
                n++;
            }
        }
        this.count = n;
        this.written = n == results.length ? null : new int[n];
        if (written != null) {
            for (int i = 0, k = 0; i < results.length; i++) {
                if (results[i] == null) {
                    written[k++] = i;
                }
            }
        }
    }

    /**
     * Interns the names of the events' draft records into the store's dictionary, durably, all or
     * none, and re-points the events at the adopted records (see {@link DictionaryFile#commit}). Called
     * just before the entries are written, so a request refused by its checks adds no name.
     *
     * @param dictionary the store's dictionary
     */
    void commitNames(DictionaryFile dictionary) {
        events = dictionary.commit(events);
    }

    private int eventIndex(int i) {
        return written == null ? i : written[i];
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int bytes() {
        return bytes;
    }

    @Override
    public void fill(int i, EntryFields entry) {
        int j = eventIndex(i);
        PreparedEvent p = events.get(j);
        UUID id = p.event().eventId();
        entry.event(id.getMostSignificantBits(), id.getLeastSignificantBits(), versions[j], p.type(), p.entity(),
                p.tenant(), p.payload(), p.metadata());
    }

    @Override
    public long index(int i, long position, long timestampNanos, LogIndexes indexes) {
        int j = eventIndex(i);
        NewEvent e = events.get(j).event();
        UUID id = e.eventId();
        long version = indexes.addEvent(position, e.entityId(), e.eventType(), id.getMostSignificantBits(),
                id.getLeastSignificantBits());
        assert version == versions[j] : "index version " + version + " != checked version " + versions[j];
        if (timestamp == null) {
            timestamp = Instant.ofEpochSecond(0, timestampNanos); // one per request: all its entries share it
        }
        results[j] = new AppendResult(id, position, version, timestamp);
        return version;
    }

    @Override
    public String entityId(int i) {
        return events.get(eventIndex(i)).event().entityId();
    }

    @Override
    public List<AppendResult> result() {
        return Arrays.asList(results);
    }
}
