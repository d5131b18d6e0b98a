package dev.peregrine.store.index;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secondary indexes over the log: entity → positions ({@link EntityStream}), event type →
 * positions, event id → position ({@link EventIdIndex}). Position → entry location lives with each
 * segment; timestamp → position needs no index because timestamps never decrease along the log, so
 * it is a binary search over positions reading timestamps from the mapped entries.
 *
 * <p>Memory per event: 8 bytes in its entity's list, 8 in its type's list, ~11–16 in the id table (plus
 * 8 for the segment's offset index): about 40 bytes, all in the {@link IndexMemory} given (a store's
 * is mapped, off the heap). What stays on the heap is per entity and per type: the id, the stream
 * and list objects and the map entry, about 150 bytes an entity.
 *
 * <p>Thread safety: one writer (the sequencer; the loader before open); lock-free readers that bound
 * every lookup by the visible position they acquired.
 */
public final class LogIndexes {

    private final ConcurrentHashMap<String, EntityStream> entities = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongPagedList> types = new ConcurrentHashMap<>();
    private final IndexMemory memory;
    private final EventIdIndex ids;
    private volatile long eventCount;
    private volatile boolean anyTombstones;

    /**
     * @param idSource reads event ids back from the log
     * @param memory where the position lists and the id table are kept
     */
    public LogIndexes(EventIdIndex.IdSource idSource, IndexMemory memory) {
        this.memory = memory;
        this.ids = new EventIdIndex(idSource, memory);
    }

    /** @return where the lists and the id table are kept (the loader allocates restored lists there) */
    public IndexMemory memory() {
        return memory;
    }

    /**
     * Indexes an event. Writer only.
     *
     * @param position its position
     * @param entityId its entity
     * @param eventType its type
     * @param msb id high bits
     * @param lsb id low bits
     * @return its stream version
     */
    public long addEvent(long position, String entityId, String eventType, long msb, long lsb) {
        EntityStream stream = entities.computeIfAbsent(entityId, this::newStream);
        long version = stream.addEvent(position);
        types.computeIfAbsent(eventType, t -> new LongPagedList(memory)).add(position);
        ids.put(msb, lsb, position);
        eventCount = eventCount + 1; // single writer: a plain read-modify-write of a volatile is safe
        return version;
    }

    /**
     * Indexes a tombstone. Writer only.
     *
     * @param position its position
     * @param entityId the deleted entity
     */
    public void addTombstone(long position, String entityId) {
        entities.computeIfAbsent(entityId, this::newStream).addTombstone(position);
        anyTombstones = true;
    }

    private EntityStream newStream(String entityId) {
        return new EntityStream(entityId, memory);
    }

    /**
     * Installs a stream loaded from a checkpoint. Loader only.
     *
     * @param stream the stream
     * @param hasTombstones whether it holds tombstones
     */
    public void restoreStream(EntityStream stream, boolean hasTombstones) {
        entities.put(stream.entityId(), stream);
        if (hasTombstones) {
            anyTombstones = true;
        }
    }

    /** @param entityId an entity @return its stream, or null if it never had an event */
    public EntityStream stream(String entityId) {
        return entities.get(entityId);
    }

    /** @param eventType a type @return positions of events of that type, or null */
    public LongPagedList type(String eventType) {
        return types.get(eventType);
    }

    /** @return the id index */
    public EventIdIndex ids() {
        return ids;
    }

    /** @return all streams (live view) */
    public Map<String, EntityStream> entities() {
        return entities;
    }

    /** @return all type lists (live view) */
    public Map<String, LongPagedList> types() {
        return types;
    }

    /** @return events indexed (tombstones not counted) */
    public long eventCount() {
        return eventCount;
    }

    /**
     * Restores the event count after loading a checkpoint (loader only).
     *
     * @param count the count
     */
    public void eventCount(long count) {
        this.eventCount = count;
    }

    /** @return whether any tombstone was ever indexed (lets scans skip the per-event check) */
    public boolean anyTombstones() {
        return anyTombstones;
    }

    /** @return approximate heap bytes of the position lists and id table, not of ids and types (for measurement) */
    public long heapBytes() {
        long bytes = ids.heapBytes();
        for (EntityStream s : entities.values()) {
            bytes += 96 + s.positions().heapBytes();
        }
        for (LongPagedList l : types.values()) {
            bytes += 96 + l.heapBytes();
        }
        return bytes;
    }
}
