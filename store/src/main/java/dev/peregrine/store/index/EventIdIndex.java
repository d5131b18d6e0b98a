package dev.peregrine.store.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Event id → position, as an open-addressing hash table that stores only positions: the id itself is
 * read back from the log entry when a slot is probed ({@link IdSource}). That keeps the table at
 * 8 bytes per slot, about 11–16 bytes per event at the 0.5–0.7 load it runs at, instead of the 24+
 * bytes that storing the 128-bit id beside the position would cost.
 *
 * <p>Linear probing; a zero slot is empty (positions start at 1). The table doubles at 70% load; the
 * new table is filled completely before it is published. Tables live in the {@link IndexMemory}
 * given (a store's is mapped, off the heap).
 *
 * <p>Thread safety: one writer ({@link #put}, {@link #clear}); any number of readers
 * ({@link #find}). Slots are written with release and read with acquire; the table reference too.
 * A reader passes the highest position it may see, so an entry the writer has added but not yet
 * made visible is never returned.
 */
public final class EventIdIndex {

    /** Reads the id stored at a position from the log. */
    public interface IdSource {
        /** @param position an indexed position @return the id's high 64 bits */
        long msb(long position);

        /** @param position an indexed position @return the id's low 64 bits */
        long lsb(long position);

        /**
         * @param position an indexed position
         * @return {@link EventIdIndex#hash} of its id, with one lookup of the entry (used when the
         *         table grows, which re-reads every id)
         */
        int idHash(long position);
    }

    private static final VarHandle TABLE;
    /** A slot: coordinates (table, byte offset). */
    private static final VarHandle SLOT = ValueLayout.JAVA_LONG.varHandle();
    private static final int INITIAL_CAPACITY = 1 << 10;

    static {
        try {
            TABLE = MethodHandles.lookup().findVarHandle(EventIdIndex.class, "table", MemorySegment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IdSource source;
    private final IndexMemory memory;
    @SuppressWarnings("unused") // accessed through TABLE
    private MemorySegment table;
    private long count;

    /**
     * @param source where ids are read back from
     * @param memory where tables are allocated
     */
    public EventIdIndex(IdSource source, IndexMemory memory) {
        this.source = source;
        this.memory = memory;
        this.table = memory.allocate((long) INITIAL_CAPACITY * Long.BYTES);
    }

    /**
     * @param msb id high bits
     * @param lsb id low bits
     * @return the table hash of an id (murmur3 finaliser over both halves)
     */
    public static int hash(long msb, long lsb) {
        long h = msb * 0x9E3779B97F4A7C15L ^ lsb;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    /**
     * Adds an id. Writer only; the id must not be present already.
     *
     * @param msb id high bits
     * @param lsb id low bits
     * @param position where the event is stored
     */
    public void put(long msb, long lsb, long position) {
        MemorySegment t = (MemorySegment) TABLE.get(this); // plain: only the writer replaces the table
        if ((count + 1) * 10L > slots(t) * 7L) {
            t = grow(t);
        }
        insert(t, hash(msb, lsb), position);
        count++;
    }

    private static long slots(MemorySegment t) {
        return t.byteSize() / Long.BYTES;
    }

    private static void insert(MemorySegment t, int hash, long position) {
        long mask = slots(t) - 1;
        long i = hash & mask;
        while ((long) SLOT.get(t, i * Long.BYTES) != 0) {
            i = (i + 1) & mask;
        }
        SLOT.setRelease(t, i * Long.BYTES, position);
    }

    private MemorySegment grow(MemorySegment old) {
        MemorySegment bigger = memory.allocate(old.byteSize() * 2);
        for (long i = 0, n = slots(old); i < n; i++) {
            long position = old.getAtIndex(ValueLayout.JAVA_LONG, i);
            if (position != 0) {
                insert(bigger, source.idHash(position), position);
            }
        }
        TABLE.setRelease(this, bigger);
        return bigger;
    }

    /**
     * @param msb id high bits
     * @param lsb id low bits
     * @param maxPosition the highest position the caller may see
     * @return the position of the event with that id, or 0 if none (visible)
     */
    public long find(long msb, long lsb, long maxPosition) {
        MemorySegment t = (MemorySegment) TABLE.getAcquire(this);
        long mask = slots(t) - 1;
        long i = hash(msb, lsb) & mask;
        while (true) {
            long position = (long) SLOT.getAcquire(t, i * Long.BYTES);
            if (position == 0) {
                return 0;
            }
            if (position <= maxPosition && source.lsb(position) == lsb && source.msb(position) == msb) {
                return position;
            }
            i = (i + 1) & mask;
        }
    }

    /** @return number of ids indexed */
    public long size() {
        return count;
    }

    /** @return heap bytes of the table (for measurement): 0 when it is off the heap */
    public long heapBytes() {
        MemorySegment t = (MemorySegment) TABLE.getAcquire(this);
        return t.isNative() ? 0 : 16L + t.byteSize();
    }

    /** @return the table (read-only), for the index checkpoint (writer thread or a quiescent store) */
    public MemorySegment table() {
        return ((MemorySegment) TABLE.getAcquire(this)).asReadOnly();
    }

    /**
     * Installs a table loaded from a checkpoint (before the store is open), copying it into this
     * index's memory.
     *
     * @param loaded the slots, in {@code loadedOrder}; their number a power of two
     * @param loadedCount ids in it
     */
    public void load(ByteBuffer loaded, long loadedCount) {
        long slots = loaded.remaining() / Long.BYTES;
        if (Long.bitCount(slots) != 1) {
            throw new IllegalArgumentException("an id table of " + slots + " slots, not a power of two");
        }
        MemorySegment t = memory.allocate(slots * Long.BYTES);
        MemorySegment.copy(MemorySegment.ofBuffer(loaded), ValueLayout.JAVA_LONG_UNALIGNED.withOrder(loaded.order()), 0,
                t, ValueLayout.JAVA_LONG, 0, slots);
        count = loadedCount;
        TABLE.setRelease(this, t);
    }
}
