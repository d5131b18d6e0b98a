package dev.peregrine.record;

import static dev.peregrine.record.RecordLayout.TAG_F64;
import static dev.peregrine.record.RecordLayout.TAG_FALSE;
import static dev.peregrine.record.RecordLayout.TAG_I64;
import static dev.peregrine.record.RecordLayout.TAG_STRING;
import static dev.peregrine.record.RecordLayout.TAG_TRUE;

import java.lang.invoke.VarHandle;

/**
 * A field of a {@link MutableRecord} resolved once ({@link MutableRecord#resolve(String)}) for O(1) typed reads
 * and in-place writes: no dictionary lookup, no search, just the cached offset.
 *
 * <p>Every access first compares the generation captured at resolution with the record's current one; after
 * any layout change they differ and the access throws {@link StaleFieldSlotException} naming the field. The
 * check is always on (one int comparison), unlike SpookyRecord's debug-only assertion, because a stale offset
 * would silently read or corrupt another field. In-place writes through a slot (or through the record) keep
 * every slot valid.
 *
 * <p>The type is the one the field had at resolution (a type change is a layout change), so
 * {@link #getLong()} on a slot of a string field throws {@link FieldTypeException}. Not thread-safe.
 */
public final class FieldSlot {

    private static final VarHandle I64 = LittleEndian.I64;

    private final MutableRecord owner;
    private final int fieldId;
    private final String name;
    private int generation;
    private byte[] buffer;     // the owner's array at resolution; replaced only by splices, which bump the generation
    private int tagPosition;
    private int valuePosition;
    private int tag;

    FieldSlot(MutableRecord owner, int fieldId, String name, int index) {
        this.owner = owner;
        this.fieldId = fieldId;
        this.name = name;
        point(index);
    }

    private void point(int index) {
        this.generation = owner.generation();
        this.buffer = owner.buffer();
        this.tagPosition = RecordLayout.entryOffset(index) + RecordLayout.ENTRY_TAG_OFFSET;
        this.valuePosition = owner.valueStart(index);
        int t = owner.tag(index);
        this.tag = t == TAG_FALSE ? TAG_TRUE : t; // one tag stands for BOOL
    }

    /** The field's name. */
    public String name() {
        return name;
    }

    /** The field's id. */
    public int fieldId() {
        return fieldId;
    }

    /** The field's type at resolution. */
    public FieldType type() {
        return FieldType.ofTag(tag);
    }

    /** Whether the record's layout is unchanged since resolution. */
    public boolean isValid() {
        return generation == owner.generation();
    }

    /** The I64 value. */
    public long getLong() {
        check(TAG_I64, FieldType.I64);
        return (long) I64.get(buffer, valuePosition);
    }

    /** Overwrites the I64 value in place. */
    public void setLong(long value) {
        check(TAG_I64, FieldType.I64);
        I64.set(buffer, valuePosition, value);
    }

    /** The F64 value. */
    public double getDouble() {
        check(TAG_F64, FieldType.F64);
        return Double.longBitsToDouble((long) I64.get(buffer, valuePosition));
    }

    /** Overwrites the F64 value in place. */
    public void setDouble(double value) {
        check(TAG_F64, FieldType.F64);
        I64.set(buffer, valuePosition, Double.doubleToRawLongBits(value));
    }

    /** The BOOL value. */
    public boolean getBoolean() {
        check(TAG_TRUE, FieldType.BOOL);
        return buffer[tagPosition] == TAG_TRUE;
    }

    /** Overwrites the BOOL value in place (the tag is the value). */
    public void setBoolean(boolean value) {
        check(TAG_TRUE, FieldType.BOOL);
        buffer[tagPosition] = (byte) (value ? TAG_TRUE : TAG_FALSE);
    }

    /** The STRING value (a new String). */
    public String getString() {
        check(TAG_STRING, FieldType.STRING);
        int index = indexInOwner();
        return Utf8.decode(buffer, valuePosition, owner.valueEnd(index) - valuePosition);
    }

    /**
     * Sets the STRING value: in place when the UTF-8 length is unchanged (all slots stay valid); otherwise the
     * record splices (every other slot becomes stale) and this slot re-points itself at the new layout.
     */
    public void setString(String value) {
        check(TAG_STRING, FieldType.STRING);
        owner.setString(fieldId, value);
        if (generation != owner.generation()) {
            point(owner.find(fieldId));
        }
    }

    private int indexInOwner() {
        return (tagPosition - RecordLayout.ENTRY_TAG_OFFSET - RecordLayout.HEADER_LENGTH) / RecordLayout.ENTRY_LENGTH;
    }

    private void check(int expectedTag, FieldType expected) {
        if (generation != owner.generation()) {
            throw new StaleFieldSlotException(name, generation, owner.generation());
        }
        if (tag != expectedTag) {
            throw new FieldTypeException(name, expected, FieldType.ofTag(tag));
        }
    }

    @Override
    public String toString() {
        return "FieldSlot[" + name + ", " + type() + (isValid() ? "" : ", stale") + "]";
    }
}
