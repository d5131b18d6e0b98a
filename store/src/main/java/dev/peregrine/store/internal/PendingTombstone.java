package dev.peregrine.store.internal;

import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.log.EntryFields;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A tombstone that passed its checks: one entry of kind tombstone, under a new time-ordered id, whose
 * request completes with its position. Sequencer thread only.
 */
final class PendingTombstone implements PendingEntries<Long> {

    private static final byte[] TYPE = StoredEvent.TOMBSTONE_TYPE.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TENANT = NewEvent.DEFAULT_TENANT.getBytes(StandardCharsets.UTF_8);

    private final String entityId;
    private final byte[] entity;
    private final UUID id = Uuids.timeOrdered();
    private long position;

    /**
     * @param entityId the entity to delete
     * @param entity its id in UTF-8
     */
    PendingTombstone(String entityId, byte[] entity) {
        this.entityId = entityId;
        this.entity = entity;
    }

    @Override
    public int count() {
        return 1;
    }

    @Override
    public int bytes() {
        return PreparedEvent.lengthOf(TYPE, entity, TENANT, 0, 0);
    }

    @Override
    public void fill(int i, EntryFields entry) {
        entry.tombstone(id.getMostSignificantBits(), id.getLeastSignificantBits(), TYPE, entity, TENANT);
    }

    @Override
    public long index(int i, long position, long timestampNanos, LogIndexes indexes) {
        indexes.addTombstone(position, entityId);
        this.position = position;
        return 0;
    }

    @Override
    public String entityId(int i) {
        return entityId;
    }

    @Override
    public Long result() {
        return position;
    }
}
