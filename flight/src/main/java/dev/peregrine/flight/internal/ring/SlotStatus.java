package dev.peregrine.flight.internal.ring;

/** What a reader found in the slot of a sequence. */
public enum SlotStatus {
    /** The slot holds the committed event of the sequence (and {@code Ring.read} copied it intact). */
    PRESENT,
    /** The slot holds a later sequence, or was overwritten while it was being copied. */
    OVERWRITTEN,
    /**
     * Nothing complete for this sequence yet: its producer is writing or has not acquired the slot, or
     * the sequence is a hole (its producer found the slot taken and claimed another). Once producers are
     * quiet only holes remain in this state.
     */
    IN_FLIGHT
}
