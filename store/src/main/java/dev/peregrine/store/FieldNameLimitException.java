package dev.peregrine.store;

/**
 * An append needs new field names but the store already holds {@link StoreOptions#maxFieldNames()}
 * distinct ones (or would pass that number with them). Nothing of the batch was stored and no name
 * of it was added. Names are never removed, so the same append fails again until the limit is
 * raised; appends that use only names the store knows keep working.
 */
public final class FieldNameLimitException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final int limit;
    private final int held;

    /**
     * @param limit the store's limit on distinct field names
     * @param held how many names the store holds
     */
    public FieldNameLimitException(int limit, int held) {
        super("field name limit reached: the store holds " + held + " distinct field names"
                + (held >= limit ? ", its limit" : " and the events need more new ones than its limit of " + limit
                + " allows"), false);
        this.limit = limit;
        this.held = held;
    }

    /** @return the store's limit on distinct field names */
    public int limit() {
        return limit;
    }

    /** @return how many distinct field names the store held when the append was refused */
    public int held() {
        return held;
    }
}
