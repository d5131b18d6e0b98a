/**
 * Peregrine's storage engine. Only {@code dev.peregrine.store} and the view and subscription APIs are
 * exported: the log, index and internal packages are implementation.
 */
module dev.peregrine.store {
    requires transitive dev.peregrine.record;
    requires org.slf4j;

    exports dev.peregrine.store;
    exports dev.peregrine.store.subscription;
    exports dev.peregrine.store.view;
}
