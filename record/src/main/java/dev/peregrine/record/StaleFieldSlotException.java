package dev.peregrine.record;

/**
 * A {@link FieldSlot} was used after its {@link MutableRecord} changed layout (a field added, removed, retyped,
 * or a value resized). Re-resolve the slot. This check runs in every build, not only with assertions on.
 */
public final class StaleFieldSlotException extends RecordException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final int slotGeneration;
    private final int recordGeneration;

    /** The slot for {@code field} was resolved at {@code slotGeneration}; the record is now at another. */
    public StaleFieldSlotException(String field, int slotGeneration, int recordGeneration) {
        super("stale field slot for '" + field + "': resolved at generation " + slotGeneration
                + " but the record's layout is now at generation " + recordGeneration + "; resolve the slot again");
        this.field = field;
        this.slotGeneration = slotGeneration;
        this.recordGeneration = recordGeneration;
    }

    /** The field the slot points at. */
    public String field() {
        return field;
    }

    /** Generation captured when the slot was resolved. */
    public int slotGeneration() {
        return slotGeneration;
    }

    /** Generation of the record when the slot was used. */
    public int recordGeneration() {
        return recordGeneration;
    }
}
