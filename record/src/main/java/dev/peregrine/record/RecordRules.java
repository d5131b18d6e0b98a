package dev.peregrine.record;

import static dev.peregrine.record.RecordLayout.TAG_F64;
import static dev.peregrine.record.RecordLayout.TAG_FALSE;
import static dev.peregrine.record.RecordLayout.TAG_I64;
import static dev.peregrine.record.RecordLayout.TAG_TRUE;

/**
 * The rules that {@link Record}, {@link MutableRecord} and {@link RecordBuilder} share, in one place:
 * which field ids a record may hold, and which tags a typed getter accepts and how their bytes become
 * its value. Stateless.
 */
final class RecordRules {

    private RecordRules() {
    }

    /**
     * @return {@code fieldId}, when it is an id of {@code dictionary}
     * @throws IllegalArgumentException otherwise: a record may only hold ids its dictionary knows
     */
    static int checkId(FieldDictionary dictionary, int fieldId) {
        if (fieldId < 0 || fieldId >= dictionary.size()) {
            throw new IllegalArgumentException("field id " + fieldId + " is not in the dictionary ("
                    + dictionary.size() + " names)");
        }
        return fieldId;
    }

    /**
     * Whether {@code getDouble} reads a value of this tag: an F64, or an I64 converted (exact up to
     * 2^53), since JSON does not tell {@code 2} from {@code 2.0} reliably.
     */
    static boolean isDouble(int tag) {
        return tag == TAG_F64 || tag == TAG_I64;
    }

    /** The {@code getDouble} value of a value whose tag {@link #isDouble} accepts, given its 8 bytes. */
    static double toDouble(int tag, long bits) {
        return tag == TAG_F64 ? Double.longBitsToDouble(bits) : bits;
    }

    /** Whether {@code getBoolean} reads a value of this tag: the tag is the value. */
    static boolean isBoolean(int tag) {
        return tag == TAG_TRUE || tag == TAG_FALSE;
    }
}
