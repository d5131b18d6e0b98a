package dev.peregrine.store.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Event id → position, as an open-addressing hash table that stores only positions: the id itself is
 * read back from the log entry when a slot is probed ({@link IdSource}). That keeps the table at
 * 8 bytes per slot, about 11–16 bytes per event at the 0.5–0.7 load it runs at, instead of the 24+
 * bytes that storing the 128-bit id beside the position would cost.
 *
 * <p>Linear probing; a zero slot is empty (positions start at 1). The table doubles at 70% load; the
 * new table is filled completely before it is published.
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
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int INITIAL_CAPACITY = 1 << 10;

    static {
        try {
            TABLE = MethodHandles.lookup().findVarHandle(EventIdIndex.class, "table", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IdSource source;
    @SuppressWarnings("unused") // accessed through TABLE
    private long[] table = new long[INITIAL_CAPACITY];
    private int count;

    /** @param source where ids are read back from */
    public EventIdIndex(IdSource source) {
        this.source = source;
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
        long[] t = (long[]) TABLE.get(this); // plain: only the writer replaces the table
        if ((count + 1) * 10L > t.length * 7L) {
            t = grow(t);
        }
        insert(t, hash(msb, lsb), position);
        count++;
    }

    private static void insert(long[] t, int hash, long position) {
        int mask = t.length - 1;
        int i = hash & mask;
        while ((long) SLOT.get(t, i) != 0) {
            i = (i + 1) & mask;
        }
        SLOT.setRelease(t, i, position);
    }

    private long[] grow(long[] old) {
        long[] bigger = new long[old.length * 2];
        for (long position : old) {
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
        long[] t = (long[]) TABLE.getAcquire(this);
        int mask = t.length - 1;
        int i = hash(msb, lsb) & mask;
        while (true) {
            long position = (long) SLOT.getAcquire(t, i);
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
    public int size() {
        return count;
    }

    /** @return heap bytes of the table (for measurement) */
    public long heapBytes() {
        return 16L + 8L * ((long[]) TABLE.getAcquire(this)).length;
    }

    /** @return the raw table, for the index checkpoint (writer thread or a quiescent store) */
    public long[] rawTable() {
        return (long[]) TABLE.getAcquire(this);
    }

    /**
     * Installs a table loaded from a checkpoint (before the store is open).
     *
     * @param loaded the table
     * @param loadedCount ids in it
     */
    public void load(long[] loaded, int loadedCount) {
        count = loadedCount;
        TABLE.setRelease(this, loaded);
    }
}
