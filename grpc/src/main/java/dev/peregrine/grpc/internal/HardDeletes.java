package dev.peregrine.grpc.internal;

import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoredEvent;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams tombstoned through KurrentDB's {@code Tombstone} (hard delete), which may never be
 * written or read again. Peregrine's own tombstone hides a stream's events but lets
 * {@code no_stream} re-create it, which is KurrentDB's soft delete; a hard delete is that tombstone
 * plus a record of the name here.
 *
 * <p>The record is an event of type {@value #TYPE} with payload {@code {"stream": name}} on the
 * stream {@value #STREAM} (a {@code $} name, as KurrentDB's system streams have), appended before
 * the tombstone so that a crash between the two leaves the stream deleted, never writable. The set is
 * read back from that stream when the gRPC face starts. Appends that race a hard delete may land
 * before its tombstone and are then hidden by it; appends after it are refused here. Appends over
 * the HTTP API do not consult this set. Thread-safe.
 */
final class HardDeletes {
    static final String STREAM = "$peregrine-hard-deletes";
    static final String TYPE = "stream.hard-deleted";
    private static final String FIELD = "stream";
    private static final int PAGE = 1_000;

    private final EventStore store;
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();

    private HardDeletes(EventStore store) {
        this.store = store;
    }

    /** Loads the hard deletes recorded in {@code store}. */
    static HardDeletes load(EventStore store) {
        HardDeletes deletes = new HardDeletes(store);
        Optional<String> cursor = Optional.empty();
        do {
            QueryPage page = store.query(Query.builder().entityId(STREAM).eventType(TYPE).limit(PAGE)
                    .cursor(cursor.orElse(null)).build());
            for (StoredEvent event : page.events()) {
                deletes.deleted.add(event.payload().getString(FIELD));
            }
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        return deletes;
    }

    boolean contains(String stream) {
        return deleted.contains(stream);
    }

    /** Records {@code stream} as hard deleted, durably, before its tombstone is written. */
    void add(String stream) {
        store.append(NewEvent.builder().entityId(STREAM).eventType(TYPE)
                .payload(RecordBuilder.create(store.dictionary().draft()).put(FIELD, stream).build()).build());
        deleted.add(stream);
    }
}
