package dev.peregrine.store.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Event id → position, as an open-addressing hash table of 8-byte slots that hold a position and a
 * tag, not the id: the id itself is read back from the log entry when a probed slot's tag matches
 * ({@link IdSource}). That keeps the table at 8 bytes per slot, about 11–16 bytes per event at the
 * 0.35–0.7 load it runs at, instead of the 24+ bytes that storing the 128-bit id beside the position
 * would cost.
 *
 * <p>A slot, as a {@code long}: bits 0–39 the position (positions start at 1, so a zero slot is
 * empty), bits 40–63 the tag, which is the low 24 bits of the id's {@link #hash}. The home slot of an
 * id is its hash's low bits, so the tag does two jobs:
 * <ul>
 *   <li>a probe reads the log only for a slot whose tag equals the id's (a mismatch costs nothing but
 *       the slot), and
 *   <li>the table doubles without reading a single id back while it has at most 2<sup>24</sup>
 *       slots (about 11.7M ids), since the tag holds every bit of the hash the new table's mask
 *       keeps; above that, a doubling reads each id's hash from the log once. (Before the tag, every
 *       doubling re-read every id: a third of the samples of a profile of 1.2M appends.)
 * </ul>
 * Positions must be below 2<sup>40</sup> (about 1.1 × 10<sup>12</sup> events); {@link #put} refuses
 * a larger one rather than store a slot it would misread.
 *
 * <p>Linear probing. The table doubles at 70% load; the new table is filled completely before it is
 * published. Tables live in the {@link IndexMemory} given (a store's is mapped, off the heap).
 *
 * <p>Thread safety: one writer ({@link #put}, {@link #load}); any number of readers
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
         * @return {@link EventIdIndex#hash} of its id, with one lookup of the entry (used when a
         *         table of more slots than the tag covers grows)
         */
        int idHash(long position);
    }

    private static final VarHandle TABLE;
    /** A slot: coordinates (table, byte offset). */
    private static final VarHandle SLOT = ValueLayout.JAVA_LONG.varHandle();
    private static final int INITIAL_CAPACITY = 1 << 10;
    /** Bits of a slot that hold the position; the rest hold the tag. */
    static final int POSITION_BITS = 40;
    private static final long POSITION_MASK = (1L << POSITION_BITS) - 1;
    /** Hash bits a tag keeps: a table of up to 2^TAG_BITS slots grows from its tags alone. */
    static final int TAG_BITS = Long.SIZE - POSITION_BITS;

    static {
        try {
            TABLE = MethodHandles.lookup().findVarHandle(EventIdIndex.class, "table", MemorySegment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IdSource source;
    private final IndexMemory memory;
    private final long tagMask;
    @SuppressWarnings("unused") // accessed through TABLE
    private MemorySegment table;
    private long count;

    /**
     * @param source where ids are read back from
     * @param memory where tables are allocated
     */
    public EventIdIndex(IdSource source, IndexMemory memory) {
        this(source, memory, TAG_BITS);
    }

    /**
     * With fewer tag bits than a slot has room for, so that a test reaches the doublings that read
     * ids back from the log with a small table.
     */
    EventIdIndex(IdSource source, IndexMemory memory, int tagBits) {
        if (tagBits < 1 || tagBits > TAG_BITS) {
            throw new IllegalArgumentException("tag bits " + tagBits);
        }
        this.source = source;
        this.memory = memory;
        this.tagMask = (1L << tagBits) - 1;
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
        if (position < 1 || position > POSITION_MASK) {
            throw new IllegalArgumentException("the event id index holds positions 1 to 2^40 - 1, not " + position);
        }
        MemorySegment t = (MemorySegment) TABLE.get(this); // plain: only the writer replaces the table
        if ((count + 1) * 10L > slots(t) * 7L) {
            t = grow(t);
        }
        int hash = hash(msb, lsb);
        insert(t, hash, slot(hash, position));
        count++;
    }

    private long slot(int hash, long position) {
        return (hash & tagMask) << POSITION_BITS | position;
    }

    private static long positionOf(long slot) {
        return slot & POSITION_MASK;
    }

    private static long tagOf(long slot) {
        return slot >>> POSITION_BITS;
    }

    private static long slots(MemorySegment t) {
        return t.byteSize() / Long.BYTES;
    }

    private static void insert(MemorySegment t, int hash, long slot) {
        long mask = slots(t) - 1;
        long i = hash & mask;
        while ((long) SLOT.get(t, i * Long.BYTES) != 0) {
            i = (i + 1) & mask;
        }
        SLOT.setRelease(t, i * Long.BYTES, slot);
    }

    private MemorySegment grow(MemorySegment old) {
        MemorySegment bigger = memory.allocate(old.byteSize() * 2);
        boolean tagsSuffice = slots(bigger) - 1 <= tagMask;
        for (long i = 0, n = slots(old); i < n; i++) {
            long slot = old.getAtIndex(ValueLayout.JAVA_LONG, i);
            if (slot != 0) {
                int hash = tagsSuffice ? (int) tagOf(slot) : source.idHash(positionOf(slot));
                insert(bigger, hash, slot);
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
        int hash = hash(msb, lsb);
        long tag = hash & tagMask;
        long i = hash & mask;
        while (true) {
            long slot = (long) SLOT.getAcquire(t, i * Long.BYTES);
            if (slot == 0) {
                return 0;
            }
            long position = positionOf(slot);
            if (tagOf(slot) == tag && position <= maxPosition && source.lsb(position) == lsb
                    && source.msb(position) == msb) {
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
