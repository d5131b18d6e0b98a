package dev.peregrine.store.internal;

import dev.peregrine.store.AppendResult;
import dev.peregrine.store.ConcurrencyConflictException;
import dev.peregrine.store.DuplicateEventIdException;
import dev.peregrine.store.EntityDeletedException;
import dev.peregrine.store.EntityNotFoundException;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Pass 1 of every request: the checks that decide, against the log as the sequencer has written it
 * so far, whether the request may be written, and what it writes. Nothing is written here, so a
 * failing check fails the whole request and leaves the log as it was.
 *
 * <p>The checks of an append, in order, for each event of the batch:
 * <ol>
 *   <li><b>Idempotency</b>: an event whose client-supplied id is already stored is not written
 *       again; with the same content its original result is returned, with other content it is a
 *       {@link DuplicateEventIdException}. An id twice in one batch is an {@link InvalidEventException}.</li>
 *   <li><b>Tombstoned streams</b>: appending to a deleted entity is an {@link EntityDeletedException}
 *       unless the event expects {@link ExpectedVersion#noStream()}, which re-creates the stream.</li>
 *   <li><b>Expected version</b>, against the stream including earlier events of the same batch: a
 *       mismatch is a {@link ConcurrencyConflictException}.</li>
 * </ol>
 * and then for the batch: it must fit in one segment (it is written into one, so that recovery keeps
 * or drops it whole), or it is an {@link InvalidEventException}.
 *
 * <p>Thread safety: sequencer thread only. The checks read the indexes without bounding them by the
 * visible position: they see every entry written so far, acknowledged or not yet, which is what the
 * next entry must be checked against.
 */
final class RequestChecks {

    private final LogIndexes indexes;
    private final EventReader reader;
    private final int maxBatchBytes;

    /**
     * @param indexes the indexes, as the sequencer writes them
     * @param reader reads stored entries (content of idempotent repeats)
     * @param maxBatchBytes the most bytes of entries one segment holds
     */
    RequestChecks(LogIndexes indexes, EventReader reader, int maxBatchBytes) {
        this.indexes = indexes;
        this.reader = reader;
        this.maxBatchBytes = maxBatchBytes;
    }

    /**
     * Checks an append.
     *
     * @param events the batch, validated and encoded
     * @return the events to write and the results of repeats
     * @throws dev.peregrine.store.EventStoreException naming the first check that failed
     */
    PendingEvents append(List<PreparedEvent> events) {
        int n = events.size();
        AppendResult[] results = new AppendResult[n];
        long[] versions = new long[n];
        Map<String, Long> batchVersions = n > 1 ? new HashMap<>() : null;
        Set<UUID> batchIds = n > 1 ? new HashSet<>() : null;
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            PreparedEvent p = events.get(i);
            NewEvent e = p.event();
            UUID id = e.eventId();
            if (e.clientSuppliedId()) {
                long existing = indexes.ids().find(id.getMostSignificantBits(), id.getLeastSignificantBits(), Long.MAX_VALUE);
                if (existing != 0) {
                    if (!p.sameContentAs(reader, existing)) {
                        throw new DuplicateEventIdException(id, existing);
                    }
                    results[i] = reader.appendResult(existing);
                    continue;
                }
                if (batchIds != null && !batchIds.add(id)) {
                    throw new InvalidEventException("id", "event id " + id + " appears twice in the batch");
                }
            }
            String entityId = e.entityId();
            EntityStream stream = indexes.stream(entityId);
            Long pending = batchVersions == null ? null : batchVersions.get(entityId);
            long current = pending != null ? pending : stream == null ? 0 : stream.writerVersion();
            if (current == 0 && pending == null && stream != null && e.expectedVersion().kind() != ExpectedVersion.Kind.NO_STREAM) {
                long tomb = stream.lastTombstone(Long.MAX_VALUE);
                if (tomb != 0) {
                    throw new EntityDeletedException(entityId, tomb);
                }
            }
            if (!e.expectedVersion().matches(current)) {
                throw new ConcurrencyConflictException(entityId, e.expectedVersion(), current);
            }
            versions[i] = current + 1;
            if (batchVersions != null) {
                batchVersions.put(entityId, current + 1);
            }
            bytes += p.entryLength();
        }
        if (bytes > maxBatchBytes) {
            throw new InvalidEventException("events", "the batch needs " + bytes
                    + " bytes of log, more than one segment holds (" + maxBatchBytes + ")");
        }
        return new PendingEvents(events, results, versions, bytes);
    }

    /**
     * Checks a tombstone: the entity must have events and not be deleted already.
     *
     * @param entityId the entity to delete
     * @param entity its id in UTF-8 (encoded before the queue, off the sequencer thread)
     * @return the tombstone to write
     * @throws EntityNotFoundException if the entity has no events
     * @throws EntityDeletedException if it is tombstoned already
     */
    PendingTombstone tombstone(String entityId, byte[] entity) {
        EntityStream stream = indexes.stream(entityId);
        if (stream == null) {
            throw new EntityNotFoundException(entityId);
        }
        if (stream.writerVersion() == 0) {
            long tomb = stream.lastTombstone(Long.MAX_VALUE);
            throw tomb != 0 ? new EntityDeletedException(entityId, tomb) : new EntityNotFoundException(entityId);
        }
        return new PendingTombstone(entityId, entity);
    }
}
