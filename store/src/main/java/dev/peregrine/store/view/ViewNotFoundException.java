package dev.peregrine.store.view;

/** No view is registered under the given name. */
public final class ViewNotFoundException extends RuntimeException {

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
