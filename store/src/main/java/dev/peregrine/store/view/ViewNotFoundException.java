package dev.peregrine.store.view;

import dev.peregrine.store.EventStoreException;

/** No view is registered under the given name. */
public final class ViewNotFoundException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String view;

    /** @param view the name looked up */
    public ViewNotFoundException(String view) {
        super("no view named '" + view + "'");
        this.view = view;
    }

    /** @return the name looked up */
    public String view() {
        return view;
    }
}
