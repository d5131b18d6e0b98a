package dev.peregrine.store.view;

import dev.peregrine.store.EventStoreException;

/**
 * A view definition is malformed: unknown operator or function, missing field, bad name, JSON that
 * does not parse. The message names the place in the definition ({@link #where()}) and the problem.
 */
public final class InvalidViewDefinitionException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String where;

    /**
     * @param where the place in the definition, as a JSON path such as {@code where.and[1].op}
     * @param problem what is wrong there
     */
    public InvalidViewDefinitionException(String where, String problem) {
        super(where + ": " + problem);
        this.where = where;
    }

    /** @return the place in the definition, as a JSON path such as {@code where.and[1].op} */
    public String where() {
        return where;
    }
}
