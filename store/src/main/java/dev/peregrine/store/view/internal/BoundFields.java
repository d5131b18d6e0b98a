package dev.peregrine.store.view.internal;

/**
 * The fields a view reads, bound to the event being evaluated. Indexes are those the view's
 * {@link ResolvedSchema} handed out at compile time. Valid until the schema is bound to the next event.
 */
interface BoundFields {

    /** The value of a field the event does not have (distinct from a present {@code null}). */
    Object MISSING = new Object() {
        @Override
        public String toString() {
            return "MISSING";
        }
    };

    /**
     * @param field a field index
     * @return the field's value as a view value (null, Boolean, Long, Double, BigDecimal, String), {@link #MISSING}
     *     when absent; objects and arrays come back as their JSON text
     */
    Object value(int field);

    /**
     * @param field a field index
     * @return the value for a row: as {@link #value} but {@code null} when missing
     */
    default Object rowValue(int field) {
        Object v = value(field);
        return v == MISSING ? null : v;
    }

    /**
     * @param field a field index
     * @return whether the field is present and a 64-bit integer (so {@link #longValue} reads it unboxed)
     */
    boolean isLong(int field);

    /**
     * @param field a field index for which {@link #isLong} holds
     * @return its value
     */
    long longValue(int field);

    /**
     * @param field a field index
     * @return whether the field is present and an array (its {@link #value} is then its JSON text)
     */
    boolean isArray(int field);

    /**
     * @param field a field index
     * @param element a view value
     * @return whether the field is an array with an element equal to {@code element}
     */
    boolean arrayContains(int field, Object element);
}
