package dev.peregrine.record;

/**
 * Where a value sits inside an encoded record, packed into one {@code long} so that a path lookup can
 * return it without allocating: the offset ({@code base}) of the object or array that holds the
 * value's entry, shifted left by {@value #INDEX_BITS} bits, or'ed with the entry's index in it. An
 * index fits those bits because an entry count is a u16 ({@link RecordLayout#MAX_ENTRIES}); a base is
 * below 2^31 ({@link RecordLayout#MAX_LENGTH}), so a location is never negative.
 *
 * <p>Any negative value means absent ({@link #NONE}). A top-level entry has base 0, so its location
 * is its index: the by-id and by-name lookups return the index as it is.
 */
final class ValueLocation {

    /** No such value. */
    static final long NONE = -1;

    private static final int INDEX_BITS = 16;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    private ValueLocation() {
    }

    /** The location of entry {@code index} of the object or array at {@code base}. */
    static long of(long base, int index) {
        return base << INDEX_BITS | index;
    }

    /** Whether a present location is a top-level entry (base 0): its location is its index. */
    static boolean isTopLevel(long location) {
        return location <= INDEX_MASK;
    }

    /** The offset of the object or array holding the entry. */
    static long base(long location) {
        return location >>> INDEX_BITS;
    }

    /** The entry's index in its object or array. */
    static int index(long location) {
        return (int) (location & INDEX_MASK);
    }
}
