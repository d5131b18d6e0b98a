package dev.peregrine.flight.internal.ring;

import static dev.peregrine.flight.internal.ring.SlotDescriptor.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The flight recorder's ring: a preallocated, fixed-capacity array of fixed-size slots (see
 * {@link SlotDescriptor}) in one off-heap {@link MemorySegment}, written by any number of producer
 * threads and read by any number of readers. New events overwrite the oldest.
 *
 * <h2>Protocol</h2>
 * A producer publishes an event in three steps, none of which blocks, locks or allocates:
 * <ol>
 *   <li><b>claim</b> a sequence {@code s} with one atomic add on the shared cursor;</li>
 *   <li><b>acquire</b> slot {@code s & mask} by a CAS of its sequence word from a committed word of
 *       an older sequence to {@code writingWord(s)}. If the slot is being written by a producer that
 *       was lapped (it claimed {@code s - capacity} and has not finished), or already holds a newer
 *       sequence, {@code s} becomes a <em>hole</em> (counted) and the producer claims again. This
 *       keeps two producers from ever writing one slot at the same time, so a reader can never see
 *       a mix of two events that both look committed;</li>
 *   <li><b>write</b> the header and data with plain stores, then <b>commit</b> with a release store
 *       of {@code committedWord(s)}.</li>
 * </ol>
 * A reader of sequence {@code s} loads the word (acquire), copies the slot, fences, and loads the
 * word again: the copy is kept only if both loads saw {@code committedWord(s)}.
 *
 * <pre>{@code
 * long seq = ring.claimAndAcquire();   // loop inside: claim, acquire, count holes
 * ring.write(seq, event);              // plain stores into the slot
 * ring.commit(seq);                    // release store of the committed word
 * }</pre>
 *
 * <p>Thread-safety: all methods are safe for concurrent use. Producers never wait for readers or for
 * each other; a reader may miss events that are overwritten while it copies, and says so.
 */
public final class Ring {
    /** Sequence words: acquire/release/CAS on 8-byte aligned longs of the segment. */
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The cursor sits alone in the middle of its array so that no other field shares its cache lines. */
    private static final int CURSOR_INDEX = 16;

    private final MemorySegment slots;
    private final int capacity;
    private final long mask;
    private final int slotShift;
    private final int slotBytes;
    private final long[] cursor = new long[CURSOR_INDEX * 2];
    private final long[] holes = new long[CURSOR_INDEX * 2];

    /**
     * Allocates a zeroed ring.
     *
     * @param capacity  number of slots, a power of two
     * @param slotBytes bytes per slot, a power of two in [{@link SlotDescriptor#MIN_SLOT_BYTES}, {@link SlotDescriptor#MAX_SLOT_BYTES}]
     */
    public Ring(int capacity, int slotBytes) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two >= 2, got " + capacity);
        }
        if (slotBytes < MIN_SLOT_BYTES || slotBytes > MAX_SLOT_BYTES || Integer.bitCount(slotBytes) != 1) {
            throw new IllegalArgumentException("slot size must be a power of two in [" + MIN_SLOT_BYTES + ", "
                    + MAX_SLOT_BYTES + "], got " + slotBytes);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.slotBytes = slotBytes;
        this.slotShift = Integer.numberOfTrailingZeros(slotBytes);
        // An automatic arena: the ring lives as long as someone can still log into it, so it is never
        // freed under a producer's feet. Allocation zeroes the memory: every word starts "never written".
        this.slots = Arena.ofAuto().allocate((long) capacity * slotBytes, 64);
    }

    /** Number of slots. */
    public int capacity() {
        return capacity;
    }

    /** Bytes per slot. */
    public int slotBytes() {
        return slotBytes;
    }

    /** Sequences claimed so far (events published or being published, plus holes). */
    public long claimed() {
        // Acquire: a reader that sees cursor value c also sees that sequences below c were claimed.
        return (long) LONGS.getAcquire(cursor, CURSOR_INDEX);
    }

    /** Sequences abandoned because their slot was taken (see the class comment). */
    public long holes() {
        return (long) LONGS.getVolatile(holes, CURSOR_INDEX);
    }

    private long slotOffset(long sequence) {
        return (sequence & mask) << slotShift;
    }

    /**
     * Claims a sequence and acquires its slot for writing, retrying with a new sequence while the
     * claimed slot is taken. Lock-free: a retry happens only when another producer made progress.
     */
    public long claimAndAcquire() {
        while (true) {
            // Atomic add: every producer gets a distinct sequence.
            long sequence = (long) LONGS.getAndAdd(cursor, CURSOR_INDEX, 1L);
            if (tryAcquire(sequence)) {
                return sequence;
            }
            // Rare: counted with an atomic add on a line of its own so the fast path never touches it.
            LONGS.getAndAdd(holes, CURSOR_INDEX, 1L);
        }
    }

    private boolean tryAcquire(long sequence) {
        long offset = slotOffset(sequence);
        long writing = writingWord(sequence);
        while (true) {
            // Acquire: pairs with the release commit of the slot's previous owner.
            long word = (long) WORD.getAcquire(slots, offset);
            if (word != 0 && (isWriting(word) || sequenceOf(word) >= sequence)) {
                return false;
            }
            // Volatile CAS: only one producer can move the word from this committed value to "writing".
            if (WORD.compareAndSet(slots, offset, word, writing)) {
                // Release fence: the odd word must be visible before any payload store that follows, so
                // a reader that sees a changed payload also sees the word change and drops its copy.
                VarHandle.releaseFence();
                return true;
            }
        }
    }

    /** Publishes the slot of {@code sequence}: a release store of its committed word. */
    public void commit(long sequence) {
        // Release: every payload store above is visible before the committed word.
        WORD.setRelease(slots, slotOffset(sequence), committedWord(sequence));
    }

    /**
     * Writes an event into the acquired slot of {@code sequence}: the event is encoded into its heap image,
     * then copied into the slot with one plain bulk copy (the sequence word excluded: only acquire and
     * commit touch it). Values that do not fit are dropped and the event is flagged truncated.
     */
    public void write(long sequence, PendingEvent event, long timestampNanos) {
        if (event.image.length != slotBytes) {
            throw new IllegalArgumentException("event image of " + event.image.length + " bytes for a ring of " + slotBytes + "-byte slots");
        }
        int length = SlotEncoder.encode(event, timestampNanos);
        MemorySegment.copy(event.image, TIMESTAMP_OFFSET, slots, ValueLayout.JAVA_BYTE,
                slotOffset(sequence) + TIMESTAMP_OFFSET, length - TIMESTAMP_OFFSET);
    }

    /**
     * Copies the event of {@code sequence} into {@code into} (at least {@link #slotBytes()} long) if the
     * slot holds it intact. Never blocks producers; a copy torn by a concurrent overwrite is detected
     * by the second load of the sequence word and reported as {@link SlotStatus#OVERWRITTEN}.
     */
    public SlotStatus read(long sequence, byte[] into) {
        long offset = slotOffset(sequence);
        // Acquire: the payload loads below cannot move above this load, and see the committed stores.
        long before = (long) WORD.getAcquire(slots, offset);
        if (before != committedWord(sequence)) {
            return classify(before, sequence);
        }
        int dataLength = Short.toUnsignedInt(slots.get(SHORT_LE, offset + DATA_LENGTH_OFFSET));
        int length = Math.min(slotBytes, DATA_OFFSET + dataLength);
        MemorySegment.copy(slots, ValueLayout.JAVA_BYTE, offset, into, 0, length);
        // Acquire fence: the copy's loads complete before the second load of the word, so a producer
        // store that reached the copy is also seen as a changed word.
        VarHandle.acquireFence();
        long after = (long) WORD.getAcquire(slots, offset);
        return after == before ? SlotStatus.PRESENT : SlotStatus.OVERWRITTEN;
    }

    private static SlotStatus classify(long word, long sequence) {
        if (word == writingWord(sequence)) {
            return SlotStatus.IN_FLIGHT;
        }
        if (word != 0 && sequenceOf(word) > sequence) {
            return SlotStatus.OVERWRITTEN;
        }
        // An older (or no) event: either the producer of this sequence has not acquired the slot yet,
        // or it gave up and made the sequence a hole. The caller tells them apart with the hole count.
        return SlotStatus.IN_FLIGHT;
    }

    /** What the slot of {@code sequence} holds right now, without copying it (for counting). */
    public SlotStatus peek(long sequence) {
        // Acquire: consistent with the producer's release commit.
        long word = (long) WORD.getAcquire(slots, slotOffset(sequence));
        return word == committedWord(sequence) ? SlotStatus.PRESENT : classify(word, sequence);
    }
}
