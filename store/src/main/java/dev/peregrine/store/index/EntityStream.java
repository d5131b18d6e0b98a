package dev.peregrine.store.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One entity's stream: the positions of its events in order, and of its tombstones. Versions are
 * counted from the last tombstone: an event's version is its index among the events after that
 * tombstone, plus one.
 *
 * <p>Thread safety: one writer (the sequencer, or the loader before open); readers on any thread
 * pass the highest position they may see and get a consistent answer for that position.
 */
public final class EntityStream {

    private static final VarHandle TOMBSTONES;

    static {
        try {
            TOMBSTONES = MethodHandles.lookup().findVarHandle(EntityStream.class, "tombstones", LongPagedList.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String entityId;
    private final IndexMemory memory;
    private final LongPagedList positions;
    /** Created on the first tombstone (rare), published with release. */
    @SuppressWarnings("unused") // accessed through TOMBSTONES
    private LongPagedList tombstones;
    /** Current version as the sequencer sees it (including not yet visible appends). Writer only. */
    private long writerVersion;

    /**
     * @param entityId the entity
     * @param memory where its position lists are kept
     */
    public EntityStream(String entityId, IndexMemory memory) {
        this.entityId = entityId;
        this.memory = memory;
        this.positions = new LongPagedList(memory);
    }

    /** @return the entity id */
    public String entityId() {
        return entityId;
    }

    /** @return event positions in order (may include positions not yet visible) */
    public LongPagedList positions() {
        return positions;
    }

    /**
     * Adds an event. Writer only.
     *
     * @param position its position
     * @return its version
     */
    public long addEvent(long position) {
        positions.add(position);
        return ++writerVersion;
    }

    /**
     * Adds a tombstone. Writer only.
     *
     * @param position its position
     */
    public void addTombstone(long position) {
        LongPagedList t = (LongPagedList) TOMBSTONES.get(this);
        if (t == null) {
            t = new LongPagedList(memory);
            TOMBSTONES.setRelease(this, t);
        }
        t.add(position);
        writerVersion = 0;
    }

    /** @return the version the next append is checked against (writer only) */
    public long writerVersion() {
        return writerVersion;
    }

    /**
     * Restores the writer version after loading (loader only).
     *
     * @param version the version
     */
    public void writerVersion(long version) {
        this.writerVersion = version;
    }

    /**
     * @param maxPosition highest visible position
     * @return the position of the last tombstone at or below {@code maxPosition}, or 0
     */
    public long lastTombstone(long maxPosition) {
        LongPagedList t = (LongPagedList) TOMBSTONES.getAcquire(this);
        if (t == null) {
            return 0;
        }
        int n = t.upperBound(maxPosition, t.size());
        return n == 0 ? 0 : t.get(n - 1);
    }

    /** @return all tombstone positions, or null if none (for the checkpoint) */
    public LongPagedList tombstones() {
        return (LongPagedList) TOMBSTONES.getAcquire(this);
    }

    /**
     * The range of visible, live (not tombstoned) events, as indexes into {@link #positions()}.
     *
     * @param maxPosition highest visible position
     * @return {@code [from, to)} packed as {@code from << 32 | to}
     */
    public long liveRange(long maxPosition) {
        int n = positions.size();
        int to = positions.upperBound(maxPosition, n);
        long tomb = lastTombstone(maxPosition);
        int from = tomb == 0 ? 0 : positions.upperBound(tomb, to);
        return ((long) from << 32) | to;
    }

    /**
     * @param maxPosition highest visible position
     * @return the stream version visible at that position (0 if none or tombstoned)
     */
    public long visibleVersion(long maxPosition) {
        long range = liveRange(maxPosition);
        return (int) range - (int) (range >>> 32);
    }
}
